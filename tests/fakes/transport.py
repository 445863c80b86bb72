"""A synchronous httpx transport over an ASGI app, so ``TargetClient`` can talk to a fake in memory.

``httpx.ASGITransport`` is async-only and ``TargetClient`` is sync; this runs each request to completion
on a fresh event loop and hands back the body in the chunks the app sent, so streamed responses are
still read incrementally (and the SSE limits still cut them off part-way).

It also plays one keep-alive connection, so rules about connections can be judged in memory: each
response names its connection (``network_stream`` reports a ``client_addr`` whose port is the
connection's number). After a response with ``Connection: close`` the next request silently gets a
new connection, as httpx does; after one carrying the fake's :data:`CLOSE_SILENTLY` header (removed
before the client sees it) the next request fails like a reset pooled connection, once.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from conformance.core.limits import Limits
from conformance.core.websocket import SocketClosed, SocketRefused

__all__ = ["CLOSE_SILENTLY", "ASGISocketConnector", "BrokenStream", "SyncASGITransport"]

CLOSE_SILENTLY = "x-fake-close-silently"
"""A response header the fake app sets to make the transport drop the connection without a word."""


class _Connection:
    """What httpcore's ``network_stream`` extension answers about the connection."""

    def __init__(self, number: int) -> None:
        self.number = number

    def get_extra_info(self, info: str) -> object:
        return ("127.0.0.1", 40000 + self.number) if info == "client_addr" else None


class _Chunks(httpx.SyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: object) -> None:
        self._inner = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        self._connection = _Connection(1)
        self._closing: str | None = None
        """``"graceful"`` or ``"silent"`` when the last response closed the connection."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        closing, self._closing = self._closing, None
        if closing is not None:
            self._connection = _Connection(self._connection.number + 1)
        if closing == "silent":
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        body = request.read()

        async def call() -> tuple[int, httpx.Headers, list[bytes]]:
            async_request = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self._inner.handle_async_request(async_request)
            chunks = [chunk async for chunk in response.aiter_raw()]
            return response.status_code, response.headers, chunks

        status, headers, chunks = asyncio.run(call())
        if headers.get(CLOSE_SILENTLY):
            del headers[CLOSE_SILENTLY]
            self._closing = "silent"
        elif "close" in headers.get("connection", "").lower():
            self._closing = "graceful"
        extensions = {"network_stream": self._connection}
        return httpx.Response(status, headers=headers, stream=_Chunks(chunks), request=request, extensions=extensions)


class BrokenStream(httpx.SyncByteStream):
    """An event stream whose connection is lost after its first event."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'data: {"type": "response.created"}\n\n'
        raise httpx.RemoteProtocolError("peer closed connection")


class ASGISocketConnector:
    """A :data:`~conformance.core.websocket.Connector` that opens WebSockets on an ASGI app in memory.

    Each socket runs the app's ``websocket`` scope on its own event loop in a daemon thread; messages
    cross by queues. An app that closes before accepting (Starlette does for a path without a
    WebSocket route) refuses the upgrade with 403, as uvicorn does on a real socket."""

    def __init__(self, app: object) -> None:
        self._app = app

    def __call__(self, url: str, headers: Mapping[str, str], limits: Limits) -> _ASGISocket:
        return _ASGISocket(self._app, url, headers, limits)


class _ASGISocket:
    def __init__(self, app: object, url: str, headers: Mapping[str, str], limits: Limits) -> None:
        parsed = httpx.URL(url)
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": parsed.scheme,
            "path": parsed.path,
            "raw_path": parsed.raw_path,
            "query_string": parsed.query,
            "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "server": (parsed.host, parsed.port or 80),
            "client": ("127.0.0.1", 40000),
            "subprotocols": [],
        }
        self._to_app: queue.Queue[dict[str, Any]] = queue.Queue()
        self._from_app: queue.Queue[dict[str, Any]] = queue.Queue()
        self._closed = False
        threading.Thread(target=asyncio.run, args=(self._serve(app, scope),), daemon=True).start()
        self._to_app.put({"type": "websocket.connect"})
        first = self._from_app.get(timeout=limits.timeout_s)
        if first["type"] != "websocket.accept":
            self._closed = True
            raise SocketRefused(403, [("content-length", "0")], b"")
        self.handshake_headers = [(k.decode(), v.decode()) for k, v in first.get("headers", [])]

    async def _serve(self, app: Any, scope: dict[str, Any]) -> None:
        async def receive() -> dict[str, Any]:
            return await asyncio.to_thread(self._to_app.get)

        async def send(message: dict[str, Any]) -> None:
            self._from_app.put(message)

        try:
            await app(scope, receive, send)
        finally:
            self._from_app.put({"type": "websocket.close", "code": 1006, "reason": "the app ended"})

    def send(self, text: str) -> None:
        if self._closed:
            raise SocketClosed(None, "the socket is closed")
        self._to_app.put({"type": "websocket.receive", "text": text})

    def recv(self, timeout: float) -> str | bytes:
        if self._closed:
            raise SocketClosed(None, "the socket is closed")
        try:
            message = self._from_app.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError from None
        if message["type"] == "websocket.send":
            text = message.get("text")
            return text if isinstance(text, str) else bytes(message.get("bytes") or b"")
        self._closed = True
        raise SocketClosed(message.get("code", 1000), message.get("reason") or "")

    def close(self) -> None:
        # Always: the app may still wait for a message (and its loop for the thread reading this queue).
        self._closed = True
        self._to_app.put({"type": "websocket.disconnect", "code": 1000})
