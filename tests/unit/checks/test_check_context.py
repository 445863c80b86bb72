"""conformance/checks/context.py: stream contexts and schema validators."""

from __future__ import annotations

from conformance.checks import ResponsesStreamContext, StreamContext, jsonschema_validator
from tests.fakes.contexts import exchange, stream_of


def test_jsonschema_validator_reports_paths_and_accepts_valid_payloads() -> None:
    validate = jsonschema_validator({"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]})
    assert validate({"n": 1}) == []
    assert validate({"n": "x"}) == ["n: 'x' is not of type 'integer'"]
    assert validate({}) == ["(root): 'n' is a required property"]


def test_objects_skip_done_and_non_objects() -> None:
    ex, stream = stream_of({"a": 1}, "[DONE]", "[1]")
    assert StreamContext(exchange=ex, stream=stream).objects() == [{"a": 1}]


def test_kinds_follow_what_the_request_asked_for() -> None:
    ex, stream = stream_of()
    assert ResponsesStreamContext(exchange=ex, stream=stream).kinds == ("sse", "responses-stream")
    assert "responses-function-call" in ResponsesStreamContext(exchange=ex, stream=stream, function_tool=True).kinds


def test_precondition_names_the_failed_status() -> None:
    _, stream = stream_of()
    failed = exchange(503, {"detail": "down"})
    assert StreamContext(exchange=failed, stream=stream).precondition() == (
        "the streaming request answered HTTP 503 (see sse-http-status)"
    )
