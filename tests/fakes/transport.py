"""A synchronous httpx transport over an ASGI app, so ``TargetClient`` can talk to a fake in memory.

``httpx.ASGITransport`` is async-only and ``TargetClient`` is sync; this runs each request to completion
on a fresh event loop and hands back the body in the chunks the app sent, so streamed responses are
still read incrementally (and the SSE limits still cut them off part-way).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx

__all__ = ["SyncASGITransport"]


class _Chunks(httpx.SyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: object) -> None:
        self._inner = httpx.ASGITransport(app=app)  # type: ignore[arg-type]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def call() -> tuple[int, httpx.Headers, list[bytes]]:
            async_request = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self._inner.handle_async_request(async_request)
            chunks = [chunk async for chunk in response.aiter_raw()]
            return response.status_code, response.headers, chunks

        status, headers, chunks = asyncio.run(call())
        return httpx.Response(status, headers=headers, stream=_Chunks(chunks), request=request)
