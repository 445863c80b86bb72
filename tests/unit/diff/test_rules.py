"""Every diff rule: a small before/after pair that makes it fire, and the unchanged pair that keeps it quiet."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conformance.diff import RULES, Level, Strictness, classify, compare, get_rule, observe
from conformance.diff.observed import Observed

JSON = "application/json"
SSE = "text/event-stream"


def _json(body: Any, status: int = 200, content_type: str = JSON) -> Observed:
    return observe(status, content_type, json.dumps(body))


def _sse(*types: str) -> Observed:
    text = "".join(f"data: {json.dumps({'type': t, 'sequence_number': n})}\n\n" for n, t in enumerate(types))
    return observe(200, SSE, text)


RESPONSE = {"id": "resp_1a2b3c4d5e6f", "object": "response", "status": "completed", "model": "m", "output": [1, 2]}

# rule id -> (recorded, target, strictness, the path the difference is reported at)
FIRES: dict[str, tuple[Observed, Observed, Strictness, str]] = {
    "request-now-fails": (_json(RESPONSE), _json({"detail": "gone"}, status=404), Strictness.SCHEMA, "status"),
    "status-code-changed": (
        _json({"detail": "gone"}, status=404),
        _json({"detail": "bad id"}, status=400),
        Strictness.SCHEMA,
        "status",
    ),
    "content-type-changed": (
        _json(RESPONSE),
        observe(200, "text/plain", "plain"),
        Strictness.SCHEMA,
        "content-type",
    ),
    "body-not-json": (_json(RESPONSE), observe(200, JSON, "{not json"), Strictness.SCHEMA, "body"),
    "field-missing": (
        _json(RESPONSE),
        _json({k: v for k, v in RESPONSE.items() if k != "model"}),
        Strictness.SCHEMA,
        "body.model",
    ),
    "field-became-null": (_json(RESPONSE), _json({**RESPONSE, "model": None}), Strictness.SCHEMA, "body.model"),
    "type-changed": (_json(RESPONSE), _json({**RESPONSE, "output": "1, 2"}), Strictness.SCHEMA, "body.output"),
    "enum-value-unknown": (
        _json(RESPONSE),
        _json({**RESPONSE, "status": "finished"}),
        Strictness.SCHEMA,
        "body.status",
    ),
    "stream-event-missing": (
        _sse("response.created", "response.output_text.delta", "response.completed"),
        _sse("response.created", "response.completed"),
        Strictness.SCHEMA,
        "events[response.output_text.delta]",
    ),
    "stream-event-out-of-order": (
        _sse("response.created", "response.output_text.delta", "response.completed"),
        _sse("response.created", "response.completed", "response.output_text.delta"),
        Strictness.SCHEMA,
        "events",
    ),
    "state-became-failed": (_json(RESPONSE), _json({**RESPONSE, "status": "failed"}), Strictness.SCHEMA, "body.status"),
    "list-became-empty": (_json(RESPONSE), _json({**RESPONSE, "output": []}), Strictness.SCHEMA, "body.output"),
    "error-appeared": (
        _json({**RESPONSE, "error": None}),
        _json({**RESPONSE, "error": {"code": "server_error", "message": "boom"}}),
        Strictness.SCHEMA,
        "body.error",
    ),
    "stream-error-event": (
        _sse("response.created", "response.completed"),
        _sse("response.created", "response.completed", "error"),
        Strictness.SCHEMA,
        "events[error]",
    ),
    "field-added": (
        _json(RESPONSE),
        _json({**RESPONSE, "usage": {"total_tokens": 3}}),
        Strictness.SCHEMA,
        "body.usage",
    ),
    "null-field-filled": (
        _json({**RESPONSE, "model": None}),
        _json(RESPONSE),
        Strictness.SCHEMA,
        "body.model",
    ),
    "stream-event-added": (
        _sse("response.created", "response.completed"),
        _sse("response.created", "response.in_progress", "response.completed"),
        Strictness.SCHEMA,
        "events[response.in_progress]",
    ),
    "enum-value-changed": (
        _json({"data": [{**RESPONSE, "status": "completed"}, {**RESPONSE, "status": "in_progress"}]}),
        _json({"data": [{**RESPONSE, "status": "in_progress"}, {**RESPONSE, "status": "in_progress"}]}),
        Strictness.SCHEMA,
        "body.data[0].status",
    ),
    "value-changed": (_json(RESPONSE), _json({**RESPONSE, "model": "other"}), Strictness.VALUES, "body.model"),
    "array-length-changed": (_json(RESPONSE), _json({**RESPONSE, "output": [1]}), Strictness.SCHEMA, "body.output[1]"),
    "null-field-omitted": (_json({**RESPONSE, "error": None}), _json(RESPONSE), Strictness.SCHEMA, "body.error"),
    "error-cleared": (
        _json({**RESPONSE, "status": "failed", "last_error": {"code": "server_error", "message": "no processor"}}),
        _json({**RESPONSE, "status": "failed", "last_error": None}),
        Strictness.SCHEMA,
        "body.last_error",
    ),
}


def test_every_rule_has_a_fixture_and_a_stable_kebab_case_id() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", rule_id) for rule_id in ids)
    assert set(FIRES) == set(ids)


@pytest.mark.parametrize("rule_id", list(FIRES))
def test_rule_fires_on_its_fixture_and_only_it(rule_id: str) -> None:
    recorded, target, strictness, path = FIRES[rule_id]
    differences = classify(compare(recorded, target, strictness=strictness))
    assert [(d.rule, d.path) for d in differences] == [(rule_id, path)]
    assert differences[0].level is get_rule(rule_id).level


@pytest.mark.parametrize("rule_id", list(FIRES))
def test_rule_is_quiet_when_nothing_changed(rule_id: str) -> None:
    recorded, _target, strictness, _path = FIRES[rule_id]
    assert classify(compare(recorded, recorded, strictness=strictness)) == []


def test_levels_partition_the_rules_as_documented() -> None:
    by_level = {level: {r.id for r in RULES if r.level is level} for level in Level}
    assert by_level[Level.BREAKING] == {
        "request-now-fails",
        "status-code-changed",
        "content-type-changed",
        "body-not-json",
        "field-missing",
        "field-became-null",
        "type-changed",
        "enum-value-unknown",
        "stream-event-missing",
        "stream-event-out-of-order",
        "state-became-failed",
        "list-became-empty",
        "error-appeared",
        "stream-error-event",
    }
    assert by_level[Level.ADDITIVE] == {"field-added", "null-field-filled", "stream-event-added"}


def test_schema_mode_masks_free_values_that_values_mode_reports() -> None:
    recorded, target = _json({**RESPONSE, "model": "a", "usage": 3}), _json({**RESPONSE, "model": "b", "usage": 4})
    assert classify(compare(recorded, target, strictness=Strictness.SCHEMA)) == []
    values = classify(compare(recorded, target, strictness=Strictness.VALUES))
    assert [(d.rule, d.path) for d in values] == [("value-changed", "body.model"), ("value-changed", "body.usage")]


def test_ids_and_timestamps_never_differ_in_either_mode() -> None:
    recorded = _json({**RESPONSE, "created_at": 1700000000, "item_id": "msg_0000000001"})
    target = _json({**RESPONSE, "id": "resp_9z8y7x6w5v", "created_at": 1800000000, "item_id": "msg_0000000002"})
    for strictness in Strictness:
        assert classify(compare(recorded, target, strictness=strictness)) == []


def test_integer_and_float_are_one_json_type() -> None:
    differences = classify(compare(_json({"score": 1}), _json({"score": 1.5}), strictness=Strictness.VALUES))
    assert [(d.rule, d.recorded, d.target) for d in differences] == [("value-changed", 1, 1.5)]


def test_a_spec_enum_decides_what_a_client_knows() -> None:
    recorded, target = _json({"detail": "low"}), _json({"detail": "medium"})
    enums = {"detail": frozenset({"low", "high", "auto"})}
    differences = classify(compare(recorded, target, strictness=Strictness.SCHEMA, enums=enums))
    assert [d.rule for d in differences] == ["enum-value-unknown"]


def test_a_free_text_field_named_like_a_spec_enum_is_not_an_enum() -> None:
    """An error's ``detail`` message is not the image ``detail`` enum the spec has."""
    recorded, target = _json({"detail": "Response x not found"}), _json({"detail": "No such response"})
    enums = {"detail": frozenset({"low", "high", "auto"})}
    assert classify(compare(recorded, target, strictness=Strictness.SCHEMA, enums=enums)) == []
    values = classify(compare(recorded, target, strictness=Strictness.VALUES, enums=enums))
    assert [d.rule for d in values] == ["value-changed"]


def test_messages_show_real_values_even_in_schema_mode() -> None:
    recorded, target = _json({"model": "fake/chat", "n": 1}), _json({"n": 1})
    (difference,) = classify(compare(recorded, target, strictness=Strictness.SCHEMA))
    assert difference.message == 'body.model is missing (recorded "fake/chat")'


def test_sse_payload_differences_are_reported_per_event_type() -> None:
    def stream(**extra: Any) -> Observed:
        events = [{"type": "response.created", "response": {"status": "in_progress", **extra}}]
        events.append({"type": "response.completed", "response": {"status": "completed"}})
        return observe(200, SSE, "".join(f"data: {json.dumps(e)}\n\n" for e in events))

    differences = classify(compare(stream(model="m"), stream(), strictness=Strictness.SCHEMA))
    assert [(d.rule, d.path) for d in differences] == [
        ("field-missing", 'events["response.created"].first.response.model')
    ]


def test_bodies_are_not_compared_when_the_status_changed() -> None:
    comparison = compare(_json(RESPONSE), _json({"error": "x"}, status=500))
    assert not comparison.bodies_compared
    assert [d.rule for d in classify(comparison)] == ["request-now-fails"]


def test_a_request_that_now_fails_quotes_the_servers_own_message() -> None:
    target = _json({"error": {"message": "FileProcessor API is required"}}, status=400)
    (difference,) = classify(compare(_json(RESPONSE), target))
    assert difference.message == "the request now fails: status 200 -> 400 (FileProcessor API is required)"


def test_a_status_change_between_errors_is_not_a_request_that_now_fails() -> None:
    target = _json({"detail": [{"loc": ["body", "input"], "msg": "Field required"}]}, status=422)
    differences = classify(compare(_json({"detail": "x"}, status=400), target))
    assert [(d.rule, d.message) for d in differences] == [
        ("status-code-changed", "status 400 -> 422 (body.input: Field required)")
    ]


VECTOR_STORE_FILE = {"id": "file-0123456789", "object": "vector_store.file", "status": "completed", "last_error": None}


def test_a_vector_store_file_whose_attach_now_fails_is_breaking() -> None:
    """OGX 1.5 answers the attach with ``status: failed`` and a ``last_error``: a client sees a failure."""
    error = {"code": "server_error", "message": "FileProcessor API is required for file processing"}
    target = _json({**VECTOR_STORE_FILE, "status": "failed", "last_error": error})
    differences = classify(compare(_json(VECTOR_STORE_FILE), target))
    assert [(d.rule, d.level, d.path) for d in differences] == [
        ("state-became-failed", Level.BREAKING, "body.status"),
        ("error-appeared", Level.BREAKING, "body.last_error"),
    ]
    assert differences[0].message == (
        'body.status changed "completed" -> "failed": the work now fails '
        "(FileProcessor API is required for file processing)"
    )
    said = "FileProcessor API is required for file processing"
    assert differences[1].message == f"body.last_error now holds an error: {said}"


def test_a_status_moving_on_to_completed_is_not_a_failure() -> None:
    recorded = _json({**VECTOR_STORE_FILE, "status": "in_progress"})
    known = {"status": frozenset({"in_progress", "completed"})}
    differences = classify(compare(recorded, _json(VECTOR_STORE_FILE), known=known))
    assert [d.rule for d in differences] == ["enum-value-changed"]


def test_a_search_that_lost_its_hits_is_breaking_once_per_list() -> None:
    hit = {"file_id": "file-0123456789", "score": 0.5, "content": [{"type": "text", "text": "x"}]}
    recorded = _json({"object": "vector_store.search_results.page", "data": [hit, hit], "has_more": False})
    target = _json({"object": "vector_store.search_results.page", "data": [], "has_more": False})
    differences = classify(compare(recorded, target))
    assert [(d.rule, d.path, d.message) for d in differences] == [
        ("list-became-empty", "body.data", "body.data is now empty (recorded 2 items)")
    ]


def test_a_list_that_was_already_empty_is_quiet() -> None:
    empty = _json({"data": []})
    assert classify(compare(empty, empty)) == []


def test_an_error_string_that_was_absent_is_only_a_new_field() -> None:
    """Only an error *object* is an error: a new free-text field named ``error`` stays additive."""
    differences = classify(compare(_json(RESPONSE), _json({**RESPONSE, "error": "none"})))
    assert [d.rule for d in differences] == ["field-added"]


def test_a_failed_event_in_a_stream_is_breaking_and_quotes_the_error() -> None:
    events: list[dict[str, Any]] = [{"type": "response.created"}, {"type": "response.completed"}]
    recorded = observe(200, SSE, "".join(f"data: {json.dumps(e)}\n\n" for e in events))
    events.append({"type": "response.failed", "response": {"error": {"message": "model exploded"}}})
    events.append({"type": "error", "error": {"message": "model exploded"}})
    target = observe(200, SSE, "".join(f"data: {json.dumps(e)}\n\n" for e in events))
    differences = classify(compare(recorded, target))
    assert [(d.rule, d.message) for d in differences] == [
        ("stream-error-event", "the stream now sends 'response.failed'"),
        ("stream-error-event", "the stream now sends 'error': model exploded"),
    ]


def test_a_null_left_out_where_the_spec_requires_the_key_stays_breaking() -> None:
    recorded, target = _json({**RESPONSE, "error": None}), _json(RESPONSE)
    differences = classify(compare(recorded, target, required=frozenset({"error"})))
    assert [(d.rule, d.level) for d in differences] == [("field-missing", Level.BREAKING)]


def test_a_null_that_comes_back_is_only_a_new_field() -> None:
    """Absent -> null is the other direction of ``null-field-omitted``: additive, as any new key."""
    differences = classify(compare(_json(RESPONSE), _json({**RESPONSE, "error": None})))
    assert [(d.rule, d.level) for d in differences] == [("field-added", Level.ADDITIVE)]


def test_docs_replay_md_lists_every_rule_with_its_level() -> None:
    docs = (Path(__file__).resolve().parents[3] / "docs" / "replay.md").read_text()
    section = docs.split("## Diff rules", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| ([a-z-]+) \|", section, flags=re.MULTILINE)
    assert rows == [(rule.id, rule.level.value) for rule in RULES]


def test_an_error_that_went_away_is_a_fix_not_a_break() -> None:
    """A recording made while the reference failed (last_error set, status failed) against a target that
    works: the status change is value-only and the cleared error is value-only, nothing is breaking."""
    failed = {
        **RESPONSE,
        "status": "failed",
        "last_error": {"code": "server_error", "message": "FileProcessor missing"},
    }
    enums = {"status": frozenset({"completed", "failed", "in_progress"})}
    for target in ({**RESPONSE, "last_error": None}, RESPONSE):
        differences = classify(compare(_json(failed), _json(target), strictness=Strictness.SCHEMA, enums=enums))
        assert "error-cleared" in {d.rule for d in differences}
        assert all(d.level is Level.VALUE_ONLY for d in differences), differences
        cleared = next(d for d in differences if d.rule == "error-cleared")
        assert cleared.message == "body.last_error no longer holds an error (recorded: FileProcessor missing)"
