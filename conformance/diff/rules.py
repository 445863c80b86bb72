"""The diff rule table: every kind of difference between a recording and a replay, in one place.

Each row has a stable kebab-case id, a level and a handler. Handlers read the precomputed
:class:`~conformance.diff.compare.Comparison` (deepdiff's tree and the stream summary) and never
diff anything themselves. Levels:

* ``breaking`` — a client written against the recording can fail: a request that succeeded now
  fails, a status or content type changed, a resource that completed now fails, a non-empty list
  came back empty, an error object or error event appeared, a field went missing, changed type or
  became null, an enum value it cannot know, a stream event type it waits for is missing or comes
  out of order;
* ``additive`` — something new the client can ignore: a field, a filled-in null, an event type;
* ``value-only`` — same shape, different values; also a ``null`` field that is now left out where
  the spec does not require it (a client reads "no value" either way).

Every difference is found by exactly one rule: the handlers partition deepdiff's report types.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from conformance.core.json_types import json_type
from conformance.core.server_message import server_message
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


def _is_number_change(level: Any) -> bool:
    return json_type(level.t1) == "number" and json_type(level.t2) == "number"


def _at(level: Any) -> str:
    return format_path(level.path(output_format="list"))


_GOOD_STATES = frozenset({"completed", "in_progress", "queued", "processed", "succeeded"})
_FAILED_STATES = frozenset({"failed", "cancelled", "incomplete", "expired", "error"})
_ERROR_KEYS = frozenset({"error", "last_error"})


def _now_fails(c: Comparison) -> bool:
    return 200 <= c.recorded.status < 300 and c.target.status >= 400


def _became_failed(level: Any) -> bool:
    """A ``status`` that was completed (or on its way) and is now failed, cancelled or incomplete."""
    return _key(level) == "status" and level.t1 in _GOOD_STATES and level.t2 in _FAILED_STATES


def _error_appeared(key: str, after: Any) -> bool:
    return key in _ERROR_KEYS and isinstance(after, dict)


def _error_cleared(level: Any) -> bool:
    """An ``error``/``last_error`` object that is now null or absent: the work no longer fails."""
    return _key(level) in _ERROR_KEYS and isinstance(level.t1, dict) and not isinstance(level.t2, dict)


def _is_error_event(event_type: str) -> bool:
    """``error``, ``response.failed``, ``response.incomplete``: what a stream sends when the work failed."""
    return event_type.rsplit(".", 1)[-1] in {"error", "failed", "incomplete"}


def _emptied(level: Any) -> bool:
    """An item removed from a list that is now empty (``list-became-empty`` reports the list once)."""
    parent = level.up
    return parent is not None and isinstance(parent.t2, list) and not parent.t2 and bool(parent.t1)


def _omitted_null(c: Comparison, level: Any) -> bool:
    """A recorded ``null`` now left out, where no response schema of the operation requires the key."""
    return level.t1 is None and _key(level) not in c.required


# ---------------------------------------------------------------- handlers


def _target_says(c: Comparison) -> str:
    """`` (the server's own error message)`` when the target answered an error with one, else nothing."""
    said = server_message(c.target.body if c.target.is_json else c.target.text) if c.target.status >= 400 else None
    return f" ({said})" if said else ""


def _status(c: Comparison) -> Iterator[Hit]:
    if c.recorded.status != c.target.status and not _now_fails(c):
        message = f"status {c.recorded.status} -> {c.target.status}{_target_says(c)}"
        yield "status", c.recorded.status, c.target.status, message


def _request_fails(c: Comparison) -> Iterator[Hit]:
    if _now_fails(c):
        message = f"the request now fails: status {c.recorded.status} -> {c.target.status}{_target_says(c)}"
        yield "status", c.recorded.status, c.target.status, message


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
        if _omitted_null(c, level) or _error_cleared(level):
            continue  # null-field-omitted, error-cleared
        before, _ = c.shown(level)
        yield _at(level), before, _MISSING, f"{_at(level)} is missing (recorded {_short(before)})"


def _became_null(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("type_changes"):
        if level.t2 is None and not _error_cleared(level):
            before, _ = c.shown(level)
            yield _at(level), before, None, f"{_at(level)} became null (recorded {_short(before)})"


def _type_changed(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("type_changes"):
        if level.t1 is not None and level.t2 is not None and not _is_number_change(level):
            before, after = c.shown(level)
            change = f"{json_type(level.t1)} -> {json_type(level.t2)}"
            yield _at(level), before, after, f"{_at(level)} changed type {change} ({_short(before)} -> {_short(after)})"


def _enum_changes(c: Comparison, *, known: bool) -> Iterator[Hit]:
    for level in c.levels("values_changed"):
        allowed = c.allowed(_key(level), level.t1)
        if allowed is None or not isinstance(level.t2, str) or _became_failed(level):
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


def _state_failed(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("values_changed"):
        if _became_failed(level):
            said = _error_text(c, level)
            message = f"{_at(level)} changed {_short(level.t1)} -> {_short(level.t2)}: the work now fails"
            yield _at(level), level.t1, level.t2, message + (f" ({said})" if said else "")


def _error_text(c: Comparison, level: Any) -> str | None:
    """The error message the target put beside a failed ``status`` (``last_error``/``error``), if any."""
    parent = c.shown_right
    for part in level.path(output_format="list")[:-1]:
        parent = parent[part] if isinstance(parent, dict | list) else None
    if isinstance(parent, dict):
        for key in sorted(_ERROR_KEYS):
            if isinstance(parent.get(key), dict):
                return server_message({"error": parent[key]})
    return None


def _error_gone(c: Comparison) -> Iterator[Hit]:
    gone = [lv for kind in ("type_changes", "dictionary_item_removed") for lv in c.levels(kind) if _error_cleared(lv)]
    for level in sorted(gone, key=lambda lv: str(lv.path())):
        before, _ = c.shown(level)
        said = server_message({"error": before})
        yield _at(level), before, None, f"{_at(level)} no longer holds an error (recorded: {said or _short(before)})"


def _list_emptied(c: Comparison) -> Iterator[Hit]:
    reported: set[str] = set()
    for level in c.levels("iterable_item_removed"):
        if _emptied(level) and (where := _at(level.up)) not in reported:
            reported.add(where)
            count = len(level.up.t1)
            noun = "item" if count == 1 else "items"
            yield where, count, 0, f"{where} is now empty (recorded {count} {noun})"


def _error_object(c: Comparison) -> Iterator[Hit]:
    appeared = [level for level in c.levels("dictionary_item_added") if _error_appeared(_key(level), level.t2)]
    appeared += [
        level for level in c.levels("type_changes") if level.t1 is None and _error_appeared(_key(level), level.t2)
    ]
    for level in sorted(appeared, key=lambda lv: str(lv.path())):
        _, after = c.shown(level)
        said = server_message({"error": after})
        yield (
            _at(level),
            None,
            after,
            f"{_at(level)} now holds an error" + (f": {said}" if said else f" ({_short(after)})"),
        )


def _stream_error(c: Comparison) -> Iterator[Hit]:
    for event in c.stream.added if c.stream else ():
        if _is_error_event(event):
            said = next((server_message(e.data) for e in c.target.events or () if e.type == event), None)
            message = f"the stream now sends {event!r}" + (f": {said}" if said else "")
            yield f"events[{event}]", _MISSING, event, message


def _null_omitted(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("dictionary_item_removed"):
        if _omitted_null(c, level):
            yield _at(level), None, _MISSING, f"{_at(level)} was null, now left out (the spec does not require it)"


def _field_added(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("dictionary_item_added"):
        if _error_appeared(_key(level), level.t2):
            continue  # error-appeared
        _, after = c.shown(level)
        yield _at(level), _MISSING, after, f"{_at(level)} is new ({_short(after)})"


def _null_filled(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("type_changes"):
        if level.t1 is None and level.t2 is not None and not _error_appeared(_key(level), level.t2):
            _, after = c.shown(level)
            yield _at(level), None, after, f"{_at(level)} was null, now {_short(after)}"


def _stream_added(c: Comparison) -> Iterator[Hit]:
    for event in c.stream.added if c.stream else ():
        if _is_error_event(event):
            continue  # stream-error-event
        yield f"events[{event}]", _MISSING, event, f"stream event {event!r} is new"


def _value_changed(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("values_changed"):
        if _became_failed(level):
            continue  # state-became-failed
        if c.allowed(_key(level), level.t1) is not None and isinstance(level.t2, str):
            continue  # an enum-like value: the enum rules judge it
        if c.strictness is Strictness.VALUES or not isinstance(level.t1, str):
            yield _at(level), level.t1, level.t2, f"{_at(level)} {_short(level.t1)} -> {_short(level.t2)}"
    for level in c.levels("type_changes"):
        if _is_number_change(level) and level.t1 != level.t2:
            yield _at(level), level.t1, level.t2, f"{_at(level)} {_short(level.t1)} -> {_short(level.t2)}"


def _array_length(c: Comparison) -> Iterator[Hit]:
    for level in c.levels("iterable_item_removed"):
        if _emptied(level):
            continue  # list-became-empty
        before, _ = c.shown(level)
        yield _at(level), before, _MISSING, f"{_at(level)} is gone (the array is shorter)"
    for level in c.levels("iterable_item_added"):
        _, after = c.shown(level)
        yield _at(level), _MISSING, after, f"{_at(level)} is new (the array is longer)"


B, A, V = Level.BREAKING, Level.ADDITIVE, Level.VALUE_ONLY

RULES: tuple[DiffRule, ...] = (
    DiffRule("request-now-fails", B, "A request that succeeded (2xx) now fails (4xx or 5xx).", _request_fails),
    DiffRule("status-code-changed", B, "The HTTP status differs (other than 2xx to 4xx/5xx).", _status),
    DiffRule("content-type-changed", B, "The response media type differs.", _content_type),
    DiffRule("body-not-json", B, "The recording had a JSON body; the target's does not parse.", _not_json),
    DiffRule("field-missing", B, "A field of the recorded object is absent.", _field_missing),
    DiffRule("field-became-null", B, "A field that had a value is now null.", _became_null),
    DiffRule("type-changed", B, "A value changed JSON type (integer and float count as one).", _type_changed),
    DiffRule("enum-value-unknown", B, "An enum-like value neither the spec nor the recording has.", _enum_unknown),
    DiffRule("stream-event-missing", B, "An event type of the recorded stream never arrives.", _stream_missing),
    DiffRule("stream-event-out-of-order", B, "Event types arrive in a different order.", _stream_order),
    DiffRule("state-became-failed", B, "A completed or in-progress `status` is failed, cancelled or incomplete.", _state_failed),  # noqa: E501
    DiffRule("list-became-empty", B, "A list that had items (`data`, `output`, hits) is empty.", _list_emptied),
    DiffRule("error-appeared", B, "An `error`/`last_error` that was null or absent is an object.", _error_object),
    DiffRule("stream-error-event", B, "A new `error`, `*.failed` or `*.incomplete` event type.", _stream_error),
    DiffRule("field-added", A, "A field the recording did not have.", _field_added),
    DiffRule("null-field-filled", A, "A field that was null now has a value.", _null_filled),
    DiffRule("stream-event-added", A, "An event type the recording did not have.", _stream_added),
    DiffRule("enum-value-changed", V, "An enum-like field has another value the client knows.", _enum_changed),
    DiffRule("value-changed", V, "Same type, another value (free values are masked in schema mode).", _value_changed),
    DiffRule("array-length-changed", V, "An array has more or fewer items (and is not now empty).", _array_length),
    DiffRule("null-field-omitted", V, "A null field is left out, and the spec does not require it.", _null_omitted),
    DiffRule("error-cleared", V, "An `error`/`last_error` object is now null or absent: the work no longer fails.", _error_gone),  # noqa: E501
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
