"""How a streaming response is described: one server-sent event object per ``data:`` line.

In OpenAPI before 3.2 the ``schema`` of a ``text/event-stream`` media type describes one event, and
Schemathesis reads it as the parsed event object ``{"event", "data", "id", "retry"}`` - not as the
JSON inside ``data``. Upstream puts the payload schema there directly, which every real event would
fail. We describe the event object instead and put the payload schema in ``data`` with
``contentMediaType: application/json`` and ``contentSchema`` (as OpenAPI 3.2's ``itemSchema``
examples do); Schemathesis decodes ``data`` and validates it against ``contentSchema``.

``x-error-event`` on the media type names the payload a server sends instead of an event when it
fails mid-stream. None of the releases ends a stream with a ``[DONE]`` sentinel.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conformance.core.media_types import SSE_MEDIA_TYPE

__all__ = ["is_wrapped", "iter_stream_media", "sse_event_schema", "wrap_streams"]


def sse_event_schema(payload: dict[str, Any]) -> dict[str, Any]:
    """The schema of one event whose ``data`` is a JSON document matching ``payload``."""
    return {
        "type": "object",
        "description": "One server-sent event; `data` holds one JSON document (no [DONE] sentinel).",
        "required": ["data"],
        "properties": {
            "data": {"type": "string", "contentMediaType": "application/json", "contentSchema": payload},
            "event": {"type": "string"},
            "id": {"type": "string"},
            "retry": {"type": "integer", "minimum": 0},
        },
    }


def is_wrapped(schema: Any) -> bool:
    data = schema.get("properties", {}).get("data", {}) if isinstance(schema, dict) else {}
    return isinstance(data, dict) and "contentSchema" in data


def iter_stream_media(spec: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """``(METHOD, path, status, media type object)`` of every ``text/event-stream`` response."""
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                media = response.get("content", {}).get(SSE_MEDIA_TYPE) if isinstance(response, dict) else None
                if isinstance(media, dict):
                    yield method.upper(), path, status, media


def wrap_streams(spec: dict[str, Any], error_event: dict[str, Any]) -> list[str]:
    """Rewrite every stream response in place; returns ``METHOD path`` of the streaming operations."""
    streaming = []
    for method, path, _status, media in iter_stream_media(spec):
        payload = media.get("schema")
        if not isinstance(payload, dict) or not payload:
            raise ValueError(f"{method} {path}: a text/event-stream response without an event schema")
        if not is_wrapped(payload):
            media["schema"] = sse_event_schema(payload)
        media["x-error-event"] = error_event
        streaming.append(f"{method} {path}")
    return sorted(set(streaming))
