"""What the server itself said about an answer: its status line and its own error message.

Every suite words its findings the same way: the HTTP status with its reason phrase, then the
message the server put in its error body, so a person reads the server's own explanation
(``HTTP 501 Not Implemented: Non-streaming agent turns not yet implemented``) instead of ours.
The error envelopes servers of this API use are recognised here, once:

* ``{"error": {"message": "..."}}`` (OpenAI, OGX) and ``{"error": "..."}``;
* ``{"detail": "..."}`` (FastAPI ``HTTPException``);
* ``{"detail": [{"loc": [...], "msg": "..."}]}`` (FastAPI request validation);
* ``{"error": {"detail": {"errors": [{"loc": [...], "msg": "..."}]}}}`` (Llama Stack 0.3 request validation);
* ``{"message": "..."}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

__all__ = ["MESSAGE_CHARS", "describe_status", "one_line", "reason_phrase", "server_message"]

MESSAGE_CHARS = 200
"""A server message longer than this is cut (with an ellipsis): a finding is one line."""


def reason_phrase(status: int) -> str:
    """``404`` -> ``Not Found``; empty for a status HTTP does not name."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def one_line(text: str, limit: int = MESSAGE_CHARS) -> str:
    """``text`` on one line, white space folded, cut with an ellipsis past ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _location(loc: Any) -> str:
    if not isinstance(loc, list | tuple):
        return str(loc) if loc is not None else ""
    return ".".join(str(part) for part in loc)


def _validation(items: list[Any]) -> str | None:
    """FastAPI's ``detail`` list: ``body.model: Field required; query.limit: ...`` (first three)."""
    parts = []
    for item in items[:3]:
        if isinstance(item, Mapping) and isinstance(item.get("msg"), str):
            where = _location(item.get("loc"))
            parts.append(f"{where}: {item['msg']}" if where else str(item["msg"]))
    if len(items) > 3 and parts:
        parts.append(f"and {len(items) - 3} more")
    return "; ".join(parts) or None


def _from_document(document: Any) -> str | None:
    if not isinstance(document, Mapping):
        return None
    error = document.get("error")
    if isinstance(error, Mapping):
        for key in ("message", "detail"):
            if isinstance(error.get(key), str) and error[key].strip():
                return str(error[key])
        nested = error.get("detail")
        if isinstance(nested, Mapping) and isinstance(nested.get("errors"), list):
            return _validation(nested["errors"])
    if isinstance(error, str) and error.strip():
        return error
    detail = document.get("detail")
    if isinstance(detail, str) and detail.strip():
        return detail
    if isinstance(detail, list):
        return _validation(detail)
    if isinstance(detail, Mapping):
        return _from_document(detail) or (str(detail["message"]) if isinstance(detail.get("message"), str) else None)
    message = document.get("message")
    if isinstance(message, str) and message.strip():
        return message
    return None


def server_message(body: Any) -> str | None:
    """The server's own error message in ``body`` (parsed JSON, text or bytes), on one line; ``None`` if none.

    Text that is not JSON counts as the message when it is short plain text (not an HTML page).
    """
    document = body
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if isinstance(body, str):
        stripped = body.strip()
        if not stripped:
            return None
        try:
            document = json.loads(stripped)
        except ValueError:
            if stripped.startswith("<") or len(stripped) > 4 * MESSAGE_CHARS:
                return None
            return one_line(stripped)
    found = _from_document(document)
    return one_line(found) if found else None


def describe_status(status: int, body: Any = None, reason: str | None = None) -> str:
    """``HTTP 404 Not Found: Response 'resp_1' not found``: status, reason phrase and the server's message."""
    phrase = reason if reason else reason_phrase(status)
    line = f"HTTP {status} {phrase}".rstrip()
    message = server_message(body) if body is not None else None
    return f"{line}: {message}" if message else line
