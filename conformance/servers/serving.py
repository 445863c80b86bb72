"""Serving an ASGI app with uvicorn on a socket we bind ourselves.

Binding first turns "port in use" into a one-line usage error before uvicorn starts, lets port 0
report the port the kernel picked, and lets the caller announce the URL only once the server is
accepting connections. ``running_app`` serves any app in a background thread (tests, benchmarks).
"""

from __future__ import annotations

import asyncio
import errno
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from conformance.core.errors import HarnessError, UsageError

__all__ = ["READY_TIMEOUT_S", "listen", "origin", "running_app", "serve_forever", "uvicorn_server"]

READY_TIMEOUT_S = 10.0


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (0 picks a free port); a :class:`UsageError` if impossible."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is already in use") from None
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def origin(sock: socket.socket) -> str:
    """``http://HOST:PORT`` for a listening socket (IPv6 hosts in brackets)."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def uvicorn_server(app: ASGIApp) -> uvicorn.Server:
    # No Date or Server header: responses carry nothing that changes between runs.
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        server_header=False,
        date_header=False,
        lifespan="off",
        timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config)


async def _serve(server: uvicorn.Server, sock: socket.socket, on_ready: Callable[[str], None]) -> None:
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.01)
    if server.started:
        on_ready(origin(sock))
    await task
    if not server.started:
        raise HarnessError("the server stopped before it accepted connections")


def serve_forever(app: ASGIApp, sock: socket.socket, *, on_ready: Callable[[str], None]) -> None:
    """Serve ``app`` on ``sock`` until interrupted; ``on_ready(origin)`` runs once connections are accepted."""
    asyncio.run(_serve(uvicorn_server(app), sock, on_ready))


@contextmanager
def running_app(app: ASGIApp, host: str = "127.0.0.1") -> Iterator[str]:
    """``app`` on a free port in a background thread; yields its origin, stops it on exit."""
    sock = listen(host, 0)
    server = uvicorn_server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="asgi-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise HarnessError("the in-process server did not start")
        time.sleep(0.01)
    try:
        yield origin(sock)
    finally:
        server.should_exit = True
        thread.join(READY_TIMEOUT_S)
        sock.close()
