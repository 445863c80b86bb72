"""Hand-built check contexts, for edge cases a whole fake server would be clumsy to produce."""

from __future__ import annotations

import json
from typing import Any

import httpx

from conformance.core.http_exchange import Exchange
from conformance.core.sse import SSEEvent, SSEStream

__all__ = ["exchange", "stream_of"]


def exchange(
    status: int = 200,
    body: Any = None,
    *,
    content_type: str = "application/json",
    method: str = "GET",
    path: str = "/x",
) -> Exchange:
    """A read exchange; ``body`` is JSON-encoded unless it is already text."""
    request = httpx.Request(method, f"http://fake.test{path}")
    text = body if isinstance(body, str) else json.dumps(body) if body is not None else ""
    response = httpx.Response(status, headers={"content-type": content_type}, text=text, request=request)
    return Exchange(request=request, response=response, text=text)


def stream_of(*payloads: Any, truncated: str | None = None) -> tuple[Exchange, SSEStream]:
    """An exchange and the stream read from it; a ``str`` payload is sent verbatim (``[DONE]``)."""
    events = [SSEEvent(data=p if isinstance(p, str) else json.dumps(p)) for p in payloads]
    raw = "".join(f"data: {e.data}\n\n" for e in events)
    request = httpx.Request("POST", "http://fake.test/v1/stream", json={"stream": True})
    response = httpx.Response(200, headers={"content-type": "text/event-stream"}, request=request)
    stream = SSEStream(events=events, raw=raw, truncated=truncated, content_type="text/event-stream")
    return Exchange(request=request, response=response, text=raw, stream=stream), stream
