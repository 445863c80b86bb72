"""The diff rule table: every kind of difference between a recording and a replay, in one place.

Each row has a stable kebab-case id, a level and a handler. Handlers read the precomputed
:class:`~conformance.diff.compare.Comparison` (deepdiff's tree and the stream summary) and never
diff anything themselves. Levels:

* ``breaking`` — a client written against the recording can fail: a status or content type
  changed, a field went missing, changed type or became null, an enum value it cannot know, a
  stream event type it waits for is missing or comes out of order;
* ``additive`` — something new the client can ignore: a field, a filled-in null, an event type;
* ``value-only`` — same shape, different values.

Every difference is found by exactly one rule: the handlers partition deepdiff's report types.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from conformance.diff.compare import Comparison
from conformance.diff.normalize import Strictness

__all__ = ["RULES", "DiffRule", "Difference", "Level", "classify", "format_path", "get_rule"]

_MISSING: str = "(absent)"


class Level(StrEnum):
    BREAKING = "breaking"
    ADDITIVE = "additive"
    VALUE_ONLY = "value-only"


@dataclass(frozen=True, slots=True)
class Difference:
    rule: str
    level: Level
    path: str
    recorded: Any
    target: Any
    message: str


Hit = tuple[str, Any, Any, str]
"""(path, recorded value, target value, message) as a handler yields it."""


@dataclass(frozen=True, slots=True)
class DiffRule:
    id: str
    level: Level
    description: str
    handler: Callable[[Comparison], Iterator[Hit]]


def format_path(parts: list[Any]) -> str:
    """``['body', 'output', 0, 'id']`` -> ``body.output[0].id``; odd keys in brackets."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).isidentifier():
            out += f".{part}" if out else str(part)
        else:
            out += f"[{json.dumps(str(part))}]"
    return out or "(root)"


def _short(value: Any, limit: int = 80) -> str:
    if value is _MISSING:
        return "(absent)"
    text: str = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _key(level: Any) -> str:
    return next((str(p) for p in reversed(level.path(output_format="list")) if isinstance(p, str)), "")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _is_number_change(level: Any) -> bool:
    return _json_type(level.t1) == "number" and _json_type(level.t2) == "number"


def _at(level: Any) -> str:
    return format_path(level.path(output_format="list"))


# ---------------------------------------------------------------- handlers


def _status(c: Comparison) -> Iterator[Hit]:
    if c.recorded.status != c.target.status:
        yield "status", c.recorded.status, c.target.status, f"status {c.recorded.status} -> {c.target.status}"


def _content_type(c: Comparison) -> Iterator[Hit]:
    if c.recorded.status == c.target.status and c.recorded.media_type != c.target.media_type:
        before, after = c.recorded.media_type or "none", c.target.media_type or "none"
        yield "content-type", before, after, f"content type {before} -> {after}"


def _not_json(c: Comparison) -> Iterator[Hit]:
    same = c.recorded.status == c.target.status and c.recorded.media_type == c.target.media_type
    if same and c.recorded.is_json and not c.target.is_json:
        yield "body", "JSON", c.target.text[:80], "the body is no longer JSON"


def _field_missing(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("dictionary_item_removed"):
        before, _ = c.shown(level)
        yield _at(level), before, _MISSING, f"{_at(level)} is missing (recorded {_short(before)})"


def _became_null(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("type_changes"):
        if level.t2 is None:
            before, _ = c.shown(level)
            yield _at(level), before, None, f"{_at(level)} became null (recorded {_short(before)})"


def _type_changed(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("type_changes"):
        if level.t1 is not None and level.t2 is not None and not _is_number_change(level):
            before, after = c.shown(level)
            change = f"{_json_type(level.t1)} -> {_json_type(level.t2)}"
            yield _at(level), before, after, f"{_at(level)} changed type {change} ({_short(before)} -> {_short(after)})"


def _enum_changes(c: Comparison, *, known: bool) -> Iterator[Hit]:
    for level in c.levels("values_changed"):
        allowed = c.allowed(_key(level), level.t1)
        if allowed is None or not isinstance(level.t2, str):
            continue
        if (level.t2 in allowed) is known:
            verb = "changed" if known else "has a value the client cannot know:"
            yield _at(level), level.t1, level.t2, f"{_at(level)} {verb} {_short(level.t1)} -> {_short(level.t2)}"


def _enum_unknown(c: Comparison) -> Iterator[Hit]:
    return _enum_changes(c, known=False)


def _enum_changed(c: Comparison) -> Iterator[Hit]:
    return _enum_changes(c, known=True)


def _stream_missing(c: Comparison) -> Iterator[Hit]:
    for event in c.stream.missing if c.stream else ():
        yield f"events[{event}]", event, _MISSING, f"stream event {event!r} is missing"


def _stream_order(c: Comparison) -> Iterator[Hit]:
    if c.stream and c.stream.out_of_order:
        moved = ", ".join(repr(t) for t in c.stream.out_of_order)
        yield "events", list(c.stream.recorded), list(c.stream.target), f"stream events out of order: {moved}"


def _field_added(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("dictionary_item_added"):
        _, after = c.shown(level)
        yield _at(level), _MISSING, after, f"{_at(level)} is new ({_short(after)})"


def _null_filled(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("type_changes"):
        if level.t1 is None and level.t2 is not None:
            _, after = c.shown(level)
            yield _at(level), None, after, f"{_at(level)} was null, now {_short(after)}"


def _stream_added(c: Comparison) -> Iterator[Hit]:
    for event in c.stream.added if c.stream else ():
        yield f"events[{event}]", _MISSING, event, f"stream event {event!r} is new"


def _value_changed(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("values_changed"):
        if c.allowed(_key(level), level.t1) is not None and isinstance(level.t2, str):
            continue  # an enum-like value: the enum rules judge it
        if c.strictness is Strictness.VALUES or not isinstance(level.t1, str):
            yield _at(level), level.t1, level.t2, f"{_at(level)} {_short(level.t1)} -> {_short(level.t2)}"
    for level in c.levels("type_changes"):
        if _is_number_change(level) and level.t1 != level.t2:
            yield _at(level), level.t1, level.t2, f"{_at(level)} {_short(level.t1)} -> {_short(level.t2)}"


def _array_length(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("iterable_item_removed"):
        before, _ = c.shown(level)
        yield _at(level), before, _MISSING, f"{_at(level)} is gone (the array is shorter)"
    for level in c.levels("iterable_item_added"):
        _, after = c.shown(level)
        yield _at(level), _MISSING, after, f"{_at(level)} is new (the array is longer)"


B, A, V = Level.BREAKING, Level.ADDITIVE, Level.VALUE_ONLY

RULES: tuple[DiffRule, ...] = (
    DiffRule("status-code-changed", B, "The HTTP status differs from the recording.", _status),
    DiffRule("content-type-changed", B, "The response media type differs.", _content_type),
    DiffRule("body-not-json", B, "The recording had a JSON body; the target's does not parse.", _not_json),
    DiffRule("field-missing", B, "A field of the recorded object is absent.", _field_missing),
    DiffRule("field-became-null", B, "A field that had a value is now null.", _became_null),
    DiffRule("type-changed", B, "A value changed JSON type (integer and float count as one).", _type_changed),
    DiffRule("enum-value-unknown", B, "An enum-like value neither the spec nor the recording has.", _enum_unknown),
    DiffRule("stream-event-missing", B, "An event type of the recorded stream never arrives.", _stream_missing),
    DiffRule("stream-event-out-of-order", B, "Event types arrive in a different order.", _stream_order),
    DiffRule("field-added", A, "A field the recording did not have.", _field_added),
    DiffRule("null-field-filled", A, "A field that was null now has a value.", _null_filled),
    DiffRule("stream-event-added", A, "An event type the recording did not have.", _stream_added),
    DiffRule("enum-value-changed", V, "An enum-like field has another value the client knows.", _enum_changed),
    DiffRule("value-changed", V, "Same type, another value (free values are masked in schema mode).", _value_changed),
    DiffRule("array-length-changed", V, "An array has more or fewer items.", _array_length),
)  # fmt: skip

_BY_ID = {rule.id: rule for rule in RULES}


def get_rule(rule_id: str) -> DiffRule:
    return _BY_ID[rule_id]


def classify(comparison: Comparison) -> list[Difference]:
    """Every difference in ``comparison``, in rule-table order."""
    return [
        Difference(rule.id, rule.level, path, recorded, target, message)
        for rule in RULES
        for path, recorded, target, message in rule.handler(comparison)
    ]
