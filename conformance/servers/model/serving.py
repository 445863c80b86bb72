"""Serving the model server: the generic serving helpers plus its ``/v1`` base URL."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from starlette.types import ASGIApp

from conformance.servers import serving
from conformance.servers.model.asgi import create_app
from conformance.servers.model.settings import ModelServerConfig
from conformance.servers.serving import listen, origin, running_app

__all__ = ["base_url", "listen", "running_server", "serve_forever"]


def base_url(sock: socket.socket) -> str:
    """``http://HOST:PORT/v1`` for a listening socket (IPv6 hosts in brackets)."""
    return f"{origin(sock)}/v1"


def serve_forever(app: ASGIApp, sock: socket.socket, *, on_ready: Callable[[str], None]) -> None:
    """Serve ``app`` on ``sock`` until interrupted; ``on_ready(url)`` gets the ``/v1`` base URL."""
    serving.serve_forever(app, sock, on_ready=lambda root: on_ready(f"{root}/v1"))


@contextmanager
def running_server(config: ModelServerConfig | None = None, host: str = "127.0.0.1") -> Iterator[str]:
    """A model server on a free port in a background thread, for tests; yields its ``/v1`` base URL."""
    with running_app(create_app(config), host) as url:
        yield f"{url}/v1"
