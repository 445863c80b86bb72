"""Reading a Server-Sent Events stream incrementally, within limits on events, bytes and seconds."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_sse import EventSource

__all__ = ["SSEEvent", "SSELimits", "SSEStream", "read_sse"]

_LONGER = "longer than"
"""How ``SSEStream.truncated`` starts when the stream's seconds ran out."""


@dataclass(frozen=True, slots=True)
class SSELimits:
    max_events: int = 5000
    max_bytes: int = 8 * 1024 * 1024
    max_seconds: float = 120.0


@dataclass(frozen=True, slots=True)
class SSEEvent:
    data: str
    event: str = "message"
    id: str = ""

    @property
    def is_done(self) -> bool:
        return self.data.strip() == "[DONE]"

    def json(self) -> Any:
        """The decoded ``data`` payload; raises ``ValueError`` when it is not JSON."""
        return json.loads(self.data)


@dataclass
class SSEStream:
    """What was read from one stream, and why reading stopped."""

    events: list[SSEEvent] = field(default_factory=list)
    raw: str = ""
    """The exact text received (kept for cassettes and evidence)."""
    truncated: str | None = None
    """Which limit stopped the read, if any."""
    content_type: str = ""

    @property
    def out_of_time(self) -> bool:
        """Reading stopped because the stream's seconds ran out (events were still coming)."""
        return self.truncated is not None and self.truncated.startswith(_LONGER)

    def json_events(self) -> list[Any]:
        """Decoded payloads of every non-``[DONE]`` event; undecodable ones are skipped."""
        out = []
        for event in self.events:
            if event.is_done:
                continue
            try:
                out.append(event.json())
            except ValueError:
                continue
        return out


class _MeteredResponse:
    """What httpx-sse's ``EventSource`` reads: the real stream's text, metered and kept.

    The content type is reported as ``text/event-stream`` whatever the server sent, so that a
    wrong content type becomes a finding of the caller's (it has ``SSEStream.content_type``)
    instead of an exception here.
    """

    headers = httpx.Headers({"content-type": "text/event-stream"})

    def __init__(self, response: httpx.Response, limits: SSELimits, started: float) -> None:
        self._response = response
        self._limits = limits
        self._started = started
        self.chunks: list[str] = []
        self.size = 0
        self.truncated: str | None = None

    def iter_text(self) -> Iterator[str]:
        for text in self._response.iter_text():
            self.chunks.append(text)
            self.size += len(text)
            yield text
            if self.size > self._limits.max_bytes:
                self.truncated = f"more than {self._limits.max_bytes} bytes"
                return
            if time.monotonic() - self._started > self._limits.max_seconds:
                self.truncated = f"{_LONGER} {self._limits.max_seconds:g} seconds"
                return


def read_sse(response: httpx.Response, limits: SSELimits | None = None) -> SSEStream:
    """Read ``response`` (opened with ``stream=True``) event by event until it ends or a limit is hit."""
    limits = limits or SSELimits()
    started = time.monotonic()
    metered = _MeteredResponse(response, limits, started)
    result = SSEStream(content_type=response.headers.get("content-type", ""))
    for sse in EventSource(metered).iter_sse():  # type: ignore[arg-type]
        result.events.append(SSEEvent(data=sse.data, event=sse.event or "message", id=sse.id or ""))
        if len(result.events) >= limits.max_events:
            result.truncated = f"more than {limits.max_events} events"
            break
        if time.monotonic() - started > limits.max_seconds:
            result.truncated = f"{_LONGER} {limits.max_seconds:g} seconds"
            break
    result.truncated = result.truncated or metered.truncated
    result.raw = "".join(metered.chunks)
    return result
