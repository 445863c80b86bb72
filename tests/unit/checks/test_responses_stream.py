"""conformance/checks/responses_stream.py: the Responses event stream."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.checks import NotApplicable, ResponsesStreamContext, responses_stream
from tests.fakes.contexts import exchange, stream_of


def _ctx(*events: dict[str, Any], **kwargs: Any) -> ResponsesStreamContext:
    ex, stream = stream_of(*events)
    return ResponsesStreamContext(exchange=ex, stream=stream, **kwargs)


FINAL = {"id": "resp_1", "status": "completed", "output": [], "model": "m"}


def test_terminal_event_in_the_middle_is_reported() -> None:
    ctx = _ctx({"type": "response.completed", "response": FINAL}, {"type": "response.output_text.delta"})
    messages = list(responses_stream.terminal_event(ctx))
    assert len(messages) == 2
    assert "followed by 1 more events" in messages[1]


def test_sequence_numbers_must_be_integers_not_booleans() -> None:
    ctx = _ctx({"type": "a", "sequence_number": 0}, {"type": "b", "sequence_number": True})
    assert list(responses_stream.sequence_number(ctx)) == ["event 1 (b) has no integer sequence_number (got True)"]


def test_function_call_arguments_do_not_apply_when_the_model_made_no_call() -> None:
    ctx = _ctx({"type": "response.completed", "response": FINAL}, function_tool=True)
    with pytest.raises(NotApplicable, match="no function call"):
        list(responses_stream.function_call_arguments(ctx))


def test_a_function_call_without_its_done_event_fires() -> None:
    item = {"id": "fc_1", "type": "function_call", "arguments": "{}"}
    ctx = _ctx({"type": "response.completed", "response": {**FINAL, "output": [item]}}, function_tool=True)
    assert list(responses_stream.function_call_arguments(ctx)) == [
        "function call 'fc_1' has no function_call_arguments.done event"
    ]


def test_final_response_is_compared_with_the_stored_one_ignoring_input_and_nulls() -> None:
    stored = {**FINAL, "input": [{"role": "user"}], "usage": None}
    ctx = _ctx({"type": "response.completed", "response": FINAL}, retrieved=exchange(200, stored))
    assert list(responses_stream.final_matches_retrieve(ctx)) == []


def test_a_failed_read_back_is_reported_with_the_get_as_evidence() -> None:
    retrieved = exchange(404, {"detail": "gone"}, path="/v1/responses/resp_1")
    ctx = _ctx({"type": "response.completed", "response": FINAL}, retrieved=retrieved)
    [violation] = list(responses_stream.final_matches_retrieve(ctx))
    assert not isinstance(violation, str)
    assert "HTTP 404" in violation.message
    assert violation.exchange is retrieved


def test_output_indexes_compare_the_final_output_positions() -> None:
    added = {"type": "response.output_item.added", "output_index": 0, "item": {"id": "msg_1"}}
    final = {**FINAL, "output": [{"id": "msg_2"}]}
    messages = list(responses_stream.output_indexes(_ctx(added, {"type": "response.completed", "response": final})))
    assert messages == ["the final response has 'msg_2' at output[0], but the stream added 'msg_1' there"]
