"""Media types: the ``type/subtype`` of a ``Content-Type`` header, and the ones the contract names."""

from __future__ import annotations

__all__ = ["JSON_MEDIA_TYPE", "SSE_MEDIA_TYPE", "is_json", "media_type"]

JSON_MEDIA_TYPE = "application/json"
SSE_MEDIA_TYPE = "text/event-stream"


def media_type(content_type: str) -> str:
    """``'Application/JSON; charset=utf-8'`` -> ``'application/json'`` (parameters dropped, lower case;
    ``''`` for a missing header)."""
    return content_type.split(";", 1)[0].strip().lower()


def is_json(content_type: str) -> bool:
    """``application/json`` or a structured ``+json`` type (``application/problem+json``)."""
    media = media_type(content_type)
    return media == JSON_MEDIA_TYPE or media.endswith("+json")
