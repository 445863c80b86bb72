"""One side of a comparison: a response reduced to status, media type and parsed body or events.

Recorded and replayed responses both arrive as text (the cassette keeps the exact text received);
this module parses them the same way, so a difference is never an artefact of parsing. Streams are
parsed with the suite's own SSE reader (``core.sse``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from conformance.core.media_types import SSE_MEDIA_TYPE, media_type
from conformance.core.sse import read_sse

__all__ = ["Observed", "StreamEvent", "event_type", "observe"]

DONE = "[DONE]"


@dataclass(frozen=True, slots=True)
class StreamEvent:
    type: str
    data: Any
    """The decoded JSON payload, or the raw data text when it is not JSON."""


@dataclass(frozen=True, slots=True)
class Observed:
    status: int
    media_type: str
    text: str
    body: Any = None
    """Parsed JSON body (``None`` for streams and for bodies that are not JSON)."""
    is_json: bool = False
    events: tuple[StreamEvent, ...] | None = None
    """Stream events in order; ``None`` when the response is not a stream."""

    @property
    def event_types(self) -> tuple[str, ...]:
        return tuple(e.type for e in self.events or ())

    def document(self) -> Any:
        """JSON-like view for id binding: the body, or ``{event type: [payloads]}`` for a stream."""
        if self.events is None:
            return self.body if self.is_json else self.text
        grouped: dict[str, list[Any]] = {}
        for event in self.events:
            grouped.setdefault(event.type, []).append(event.data)
        return grouped


def event_type(data: Any, name: str = "message") -> str:
    """What kind of event this is, as a client dispatching on it would see it.

    The SSE ``event:`` name when the server sets one; else the payload's ``type`` (Responses),
    the Agents API's ``event.payload.event_type`` (with its ``step_type``), the payload's
    ``object`` (chat chunks), ``error``, or ``[DONE]``.
    """
    if name and name != "message":
        return name
    if data == DONE:
        return DONE
    if not isinstance(data, Mapping):
        return "message"
    if isinstance(data.get("type"), str):
        return str(data["type"])
    event = data.get("event")
    payload = event.get("payload") if isinstance(event, Mapping) else None
    if isinstance(payload, Mapping) and isinstance(payload.get("event_type"), str):
        step = payload.get("step_type")
        return f"{payload['event_type']}:{step}" if isinstance(step, str) else str(payload["event_type"])
    if isinstance(data.get("object"), str):
        return str(data["object"])
    if "error" in data:
        return "error"
    return "message"


def observe(status: int, content_type: str, text: str) -> Observed:
    media = media_type(content_type)
    if media == SSE_MEDIA_TYPE:
        response = httpx.Response(status, headers={"content-type": content_type}, text=text)
        stream = read_sse(response)
        events = []
        for sse in stream.events:
            try:
                data: Any = json.loads(sse.data)
            except ValueError:
                data = sse.data.strip()
            events.append(StreamEvent(type=event_type(data, sse.event), data=data))
        return Observed(status=status, media_type=media, text=text, events=tuple(events))
    try:
        body = json.loads(text) if text.strip() else None
        is_json = body is not None
    except ValueError:
        body, is_json = None, False
    return Observed(status=status, media_type=media, text=text, body=body, is_json=is_json)
