"""Masking before diffing: ids and timestamps always, free values in schema mode only."""

from __future__ import annotations

import json
from typing import Any

from conformance.diff import Strictness, normalize, observe
from conformance.diff.normalize import ID_MASK, TIMESTAMP_MASK, is_id_key


def _body(body: Any, strictness: Strictness, enum_keys: frozenset[str] = frozenset()) -> Any:
    return normalize(observe(200, "application/json", json.dumps(body)), strictness, enum_keys)["body"]


def test_ids_are_masked_by_key_and_by_shape_in_both_modes() -> None:
    body = {"id": "resp_1a2b3c4d5e", "previous_response_id": "anything-at-all", "ref": "conv_00aa11bb22cc33"}
    for strictness in Strictness:
        assert _body(body, strictness) == {"id": ID_MASK, "previous_response_id": ID_MASK, "ref": ID_MASK}


def test_a_model_name_under_id_is_not_an_id() -> None:
    """/v1/models puts the model name under ``id``: it is compared, not masked."""
    body = {"id": "deterministic/conformance-chat", "model_id": "x", "provider_id": "deterministic"}
    assert _body(body, Strictness.VALUES) == body


def test_timestamps_keep_their_json_type_when_masked() -> None:
    body = {"created": 1, "created_at": 2.5, "completed_at": "2026-11-22T04:13:20Z", "started": "2026-11-22 04:13"}
    assert _body(body, Strictness.VALUES) == {
        "created": 0,
        "created_at": 0.0,
        "completed_at": TIMESTAMP_MASK,
        "started": TIMESTAMP_MASK,
    }


def test_ids_inside_free_text_are_masked() -> None:
    body = {"detail": "Response 'resp_5f56e590-9319-4119-85ea-3387bca44794' not found"}
    assert _body(body, Strictness.VALUES) == {"detail": f"Response '{ID_MASK}' not found"}


def test_schema_mode_keeps_shape_and_enum_like_values_only() -> None:
    body = {"object": "response", "status": "completed", "text": "hello", "n": 3, "ok": True, "x": None, "l": [1.5]}
    assert _body(body, Strictness.SCHEMA) == {
        "object": "response",
        "status": "completed",
        "text": "",
        "n": 0,
        "ok": False,
        "x": None,
        "l": [0.0],
    }
    assert _body(body, Strictness.SCHEMA, frozenset({"text"}))["text"] == "hello"


def test_values_mode_keeps_free_values() -> None:
    body = {"text": "hello", "n": 3}
    assert _body(body, Strictness.VALUES) == body


def test_streams_keep_the_first_and_last_payload_of_each_event_type() -> None:
    events = [{"type": "delta", "d": "a"}, {"type": "delta", "d": "b"}, {"type": "delta", "d": "c"}, {"type": "done"}]
    text = "".join(f"data: {json.dumps(e)}\n\n" for e in events)
    normalized = normalize(observe(200, "text/event-stream", text), Strictness.VALUES)
    assert normalized == {
        "events": {
            "delta": {"first": {"type": "delta", "d": "a"}, "last": {"type": "delta", "d": "c"}},
            "done": {"first": {"type": "done"}},
        }
    }


def test_a_text_body_is_compared_as_text() -> None:
    observed = observe(200, "text/plain", "file content")
    assert normalize(observed, Strictness.VALUES) == {"text": "file content"}
    assert normalize(observed, Strictness.SCHEMA) == {"text": ""}


def test_id_keys() -> None:
    assert is_id_key("response_id")
    assert is_id_key("fileId")
    assert not is_id_key("id")  # decided by the value's shape
    assert not is_id_key("model_id")
