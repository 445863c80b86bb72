"""Normalization before diffing: what must never count as a difference, and what may not, per mode.

* Ids and timestamps are **always** masked: every server hands out its own. The mask keeps the JSON
  type (a timestamp integer becomes ``0``, a string ``"<timestamp>"``) so that a type change of
  such a field is still caught.
* In ``schema`` mode every other free value is masked too (generated text, token counts, scores,
  booleans), leaving the shape: keys, JSON types, array lengths and the values of enum-like keys
  (``type``, ``object``, ``status``, ... and every property the profile's spec gives an enum).
* In ``values`` mode nothing else is masked: against the deterministic reference, everything
  that is not an id or a timestamp must come back identical.

A normalized document is ``{"body": ...}``, ``{"text": ...}`` or, for a stream,
``{"events": {type: {"first": ..., "last": ...}}}``: the first and (when it occurs more than once)
the last payload of each event type; how many delta events arrive is a free value, the first and
last carry the shape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from conformance.diff.observed import Observed

__all__ = [
    "DEFAULT_ENUM_KEYS",
    "ID_MASK",
    "TIMESTAMP_MASK",
    "Strictness",
    "is_id_key",
    "is_timestamp_key",
    "normalize",
]

ID_MASK = "<id>"
TIMESTAMP_MASK = "<timestamp>"

DEFAULT_ENUM_KEYS = frozenset(
    {"type", "object", "role", "status", "finish_reason", "event_type", "step_type", "stop_reason", "purpose"}
)
"""Keys whose values clients dispatch on; never masked, even without an enum in the spec."""

_ID_KEY = re.compile(r"_id$|[a-z]Id$")
_CHOSEN_ID_KEYS = frozenset(
    {"model_id", "provider_id", "provider_model_id", "provider_resource_id", "shield_id", "toolgroup_id"}
)
"""``*_id`` keys whose values the client or the configuration chooses: compared like any value."""
# Server-generated id shapes: prefix_ + token (with a digit somewhere), uuids, long hex.
_ID_VALUE = re.compile(
    r"^(?=.*\d)(?:[A-Za-z]+[_-][A-Za-z0-9_-]{8,}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-9a-fA-F]{16,})$"
)
_EMBEDDED_ID = re.compile(
    r"\b(?:[A-Za-z]+[_-](?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{8,}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\b"
)
"""Ids inside free text (``"Response 'resp_1a2b...' not found"``): masked where they appear."""
_TIMESTAMP_KEY = re.compile(r"^(created|timestamp)$|_at$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


class Strictness(StrEnum):
    SCHEMA = "schema"
    """Compare the shape: keys, JSON types, array lengths, enum values."""
    VALUES = "values"
    """Compare every value except ids and timestamps."""


def is_id_key(key: str) -> bool:
    """``*_id`` keys hold generated ids (``id`` itself only when the value looks like one: models use names)."""
    return bool(_ID_KEY.search(key)) and key not in _CHOSEN_ID_KEYS


def is_timestamp_key(key: str) -> bool:
    return bool(_TIMESTAMP_KEY.search(key))


def _mask_free(value: Any) -> Any:
    """The zero value of the same JSON type."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0
    if isinstance(value, float):
        return 0.0
    if isinstance(value, str):
        return ""
    return value


class _Masker:
    def __init__(self, strictness: Strictness, enum_keys: frozenset[str]) -> None:
        self.schema = strictness is Strictness.SCHEMA
        self.enum_keys = DEFAULT_ENUM_KEYS | enum_keys

    def leaf(self, key: str, value: Any) -> Any:
        if value is None:
            return None
        if is_timestamp_key(key) and isinstance(value, int | float | str) and not isinstance(value, bool):
            return TIMESTAMP_MASK if isinstance(value, str) else type(value)(0)
        if isinstance(value, str):
            if _ISO_TIME.match(value):
                return TIMESTAMP_MASK
            if (is_id_key(key) and key not in self.enum_keys) or _ID_VALUE.match(value):
                return ID_MASK
            value = _EMBEDDED_ID.sub(ID_MASK, value)
        if self.schema and key not in self.enum_keys:
            return _mask_free(value)
        return value

    def walk(self, value: Any, key: str = "") -> Any:
        if isinstance(value, Mapping):
            return {str(k): self.walk(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v, key) for v in value]
        return self.leaf(key, value)


def normalize(observed: Observed, strictness: Strictness, enum_keys: frozenset[str] = frozenset()) -> dict[str, Any]:
    masker = _Masker(strictness, enum_keys)
    if observed.events is not None:
        grouped: dict[str, dict[str, Any]] = {}
        for event in observed.events:
            data = masker.walk(event.data)
            if event.type in grouped:
                grouped[event.type]["last"] = data
            else:
                grouped[event.type] = {"first": data}
        return {"events": grouped}
    if observed.is_json:
        return {"body": masker.walk(observed.body)}
    return {"text": masker.leaf("", observed.text)}
