"""Reading an error answer: an error inside a stream, an empty success, a Python repr in a message.
Shared by the error checks, which stay small. The server's own message is
:func:`conformance.core.server_message.server_message`'s to find."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from conformance.checks.context import ErrorProbeContext
from conformance.core.server_message import one_line, server_message

__all__ = [
    "StreamedError",
    "clip",
    "empty_success",
    "json_or_none",
    "python_repr",
    "streamed_error",
]

_EXCERPT_CHARS = 120
_REPR = re.compile(
    r"\{\s*'[^'\n]*'\s*:"  # a dict with a single-quoted key: {'errors': ...
    r"|\[\s*[{(\[]\s*'"  # a list of dicts, tuples or lists: [{'type': ...
    r"|\[\s*'[^'\n]*'\s*,\s*'"  # a list of strings: ['body', 'input']
)


def clip(text: str, limit: int = _EXCERPT_CHARS) -> str:
    return one_line(text, limit)


def json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class StreamedError:
    """The first error a successful stream carried."""

    index: int
    """0-based position among the stream's events."""
    label: str
    """``an error event`` or ``a response.failed event``."""
    message: str | None


def streamed_error(ctx: ErrorProbeContext) -> StreamedError | None:
    """The first error inside a 2xx stream: an ``event: error``, a ``data: {"error": ...}`` payload, a
    Responses ``error`` event, or ``response.failed``."""
    status = ctx.exchange.status
    if ctx.stream is None or status is None or not 200 <= status < 300:
        return None
    for index, event in enumerate(ctx.stream.events):
        payload = None if event.is_done else json_or_none(event.data)
        if not isinstance(payload, dict):
            if event.event == "error":
                return StreamedError(index, "an error event", server_message(event.data))
            continue
        if event.event == "error" or payload.get("type") == "error" or payload.get("error"):
            return StreamedError(index, "an error event", server_message(payload))
        if payload.get("type") == "response.failed":
            return StreamedError(index, "a response.failed event", server_message(payload.get("response")))
    return None


def empty_success(ctx: ErrorProbeContext) -> str | None:
    """``a null body`` or ``an empty body`` when a 2xx answer carries nothing."""
    status = ctx.exchange.status
    if ctx.stream is not None or status is None or not 200 <= status < 300:
        return None
    text = ctx.exchange.text.strip()
    if not text:
        return "an empty body"
    return "a null body" if text == "null" else None


def python_repr(body: Any, path: str = "") -> tuple[str, str] | None:
    """The first string in ``body`` that holds a Python dict or list repr, as ``(json path, text)``."""
    if isinstance(body, str):
        return (path or "(body)", body) if _REPR.search(body) else None
    items = body.items() if isinstance(body, dict) else enumerate(body) if isinstance(body, list) else ()
    for key, value in items:
        found = python_repr(value, f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else key)
        if found is not None:
            return found
    return None
