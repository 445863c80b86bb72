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
from collections.abc import Iterator

import httpx

__all__ = ["CLOSE_SILENTLY", "BrokenStream", "SyncASGITransport"]

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
