"""Parsing a response the same way on both sides, and naming stream events as clients dispatch on them."""

from __future__ import annotations

import json

import pytest

from conformance.diff import event_type, observe


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        ({"type": "response.created"}, "message", "response.created"),
        ({"object": "chat.completion.chunk"}, "message", "chat.completion.chunk"),
        (
            {"event": {"payload": {"event_type": "step_start", "step_type": "inference"}}},
            "message",
            "step_start:inference",
        ),
        ({"event": {"payload": {"event_type": "turn_complete"}}}, "message", "turn_complete"),
        ({"error": {"message": "x"}}, "message", "error"),
        ("[DONE]", "message", "[DONE]"),
        ({"type": "ignored"}, "custom", "custom"),
        ({"other": 1}, "message", "message"),
    ],
)
def test_event_type(data: object, name: str, expected: str) -> None:
    assert event_type(data, name) == expected


def test_a_stream_is_parsed_into_typed_events_with_done() -> None:
    text = 'data: {"object": "chat.completion.chunk", "n": 1}\n\ndata: [DONE]\n\n'
    observed = observe(200, "text/event-stream; charset=utf-8", text)
    assert observed.media_type == "text/event-stream"
    assert observed.event_types == ("chat.completion.chunk", "[DONE]")
    assert observed.document() == {
        "chat.completion.chunk": [{"object": "chat.completion.chunk", "n": 1}],
        "[DONE]": ["[DONE]"],
    }


def test_json_and_non_json_bodies() -> None:
    assert observe(200, "application/json", json.dumps({"a": 1})).document() == {"a": 1}
    broken = observe(200, "application/json", "{oops")
    assert not broken.is_json
    assert broken.document() == "{oops"
    assert observe(204, "", "").body is None
