"""conformance/checks/error_answers.py: errors inside streams, empty successes, reprs, dropped connections."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from conformance.checks import (
    ConnectionAfterError,
    ErrorProbeContext,
    NotApplicable,
    error_answers,
    error_contract,
)
from conformance.core.http_exchange import Exchange
from conformance.core.sse import SSEEvent, SSEStream
from tests.fakes.contexts import exchange

MODEL = "an unknown model 'acme/nope'"


def _streamed(*events: SSEEvent, status: int = 200) -> ErrorProbeContext:
    raw = "".join(f"event: {e.event}\ndata: {e.data}\n\n" for e in events)
    request = httpx.Request("POST", "http://fake.test/v1/chat/completions", json={"stream": True})
    response = httpx.Response(status, headers={"content-type": "text/event-stream"}, request=request)
    stream = SSEStream(events=list(events), raw=raw, content_type="text/event-stream")
    return ErrorProbeContext(
        exchange=Exchange(request=request, response=response, text=raw, stream=stream),
        expect="invalid-stream",
        subject=MODEL,
        stream=stream,
    )


def _data(payload: Any, event: str = "message") -> SSEEvent:
    return SSEEvent(data=json.dumps(payload), event=event)


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        (
            [_data({"error": {"message": "Model 'acme/nope' not found"}})],
            f"""HTTP 200 stream carried an error event at event 0 for {MODEL}: "Model 'acme/nope' not found\"""",
        ),
        (
            [_data({"type": "response.created"}), _data({"type": "error", "message": "no such model"})],
            f'HTTP 200 stream carried an error event at event 1 for {MODEL}: "no such model"',
        ),
        (
            [SSEEvent(data="model not found", event="error")],
            f'HTTP 200 stream carried an error event at event 0 for {MODEL}: "model not found"',
        ),
        (
            [
                _data({"type": "response.created"}),
                _data({"type": "response.failed", "response": {"error": {"code": "server_error", "message": "boom"}}}),
            ],
            f'HTTP 200 stream carried a response.failed event at event 1 for {MODEL}: "boom"',
        ),
        (
            [_data({"error": "gone"}, event="error")],
            f'HTTP 200 stream carried an error event at event 0 for {MODEL}: "gone"',
        ),
    ],
)
def test_an_error_inside_a_200_stream_names_the_event_and_the_servers_message(
    events: list[SSEEvent], expected: str
) -> None:
    ctx = _streamed(*events)
    assert list(error_answers.status_before_stream(ctx)) == [expected]
    with pytest.raises(NotApplicable, match="see error-status-before-stream"):
        list(error_contract.not_success(ctx))


def test_a_200_stream_without_an_error_is_error_not_success_s_finding() -> None:
    ctx = _streamed(_data({"object": "chat.completion.chunk", "choices": []}), SSEEvent(data="[DONE]"))
    with pytest.raises(NotApplicable, match="see error-not-success"):
        list(error_answers.status_before_stream(ctx))
    assert list(error_contract.not_success(ctx)) == ["a request that must fail (invalid-stream) was answered HTTP 200"]


def test_a_4xx_before_the_stream_passes_and_a_5xx_is_reported_with_its_message() -> None:
    refused = ErrorProbeContext(exchange=exchange(404, {"detail": "x"}), expect="invalid-stream", subject=MODEL)
    assert list(error_answers.status_before_stream(refused)) == []
    crashed = ErrorProbeContext(
        exchange=exchange(500, {"error": {"message": "KeyError: 'acme/nope'"}}), expect="invalid-stream", subject=MODEL
    )
    assert list(error_answers.status_before_stream(crashed)) == [
        f"{MODEL} was answered HTTP 500 Internal Server Error: KeyError: 'acme/nope' (expected a 4xx before any stream)"
    ]


@pytest.mark.parametrize(("body", "what"), [("null", "a null body"), ("", "an empty body"), ("  \n", "an empty body")])
def test_an_empty_success_for_an_unknown_id_is_named_once(body: str, what: str) -> None:
    ctx = ErrorProbeContext(exchange=exchange(200, body), expect="not-found", subject="an unknown turn id 't1'")
    assert list(error_answers.unknown_id_null_body(ctx)) == [
        f"HTTP 200 OK with {what} for an unknown turn id 't1' (expected HTTP 404)"
    ]
    with pytest.raises(NotApplicable, match="see error-unknown-id-null-body"):
        list(error_contract.not_success(ctx))


def test_a_success_with_a_body_is_left_to_error_not_success() -> None:
    ctx = ErrorProbeContext(exchange=exchange(200, {"turn_id": "t1"}), expect="not-found", subject="x")
    with pytest.raises(NotApplicable, match="see error-not-success"):
        list(error_answers.unknown_id_null_body(ctx))
    assert list(error_contract.not_success(ctx)) == ["a request that must fail (not-found) was answered HTTP 200"]


OGX_400 = {
    "error": {
        "message": "{'errors': [{'loc': ['body', 'input', 'str'], 'msg': 'Input should be a valid string', "
        "'type': 'string_type'}, {'loc': ['body', 'model'], 'msg': 'Field required', 'type': 'missing'}]}"
    }
}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            OGX_400,
            "the HTTP 400 error's error.message is a Python repr, not a message: "
            "\"{'errors': [{'loc': ['body', 'input', 'str'], 'msg': 'Input should be a valid string', "
            "'type': 'string_type'}, {'loc': …\"",
        ),
        (
            {"detail": "[{'type': 'missing', 'loc': ('body', 'model'), 'msg': 'Field required'}]"},
            "the HTTP 400 error's detail is a Python repr, not a message: "
            "\"[{'type': 'missing', 'loc': ('body', 'model'), 'msg': 'Field required'}]\"",
        ),
        (
            {"detail": [{"loc": ["body"], "msg": "bad: ['body', 'input']"}]},
            "the HTTP 400 error's detail[0].msg is a Python repr, not a message: \"bad: ['body', 'input']\"",
        ),
    ],
)
def test_a_python_repr_in_an_error_body_is_named_by_its_path(body: Any, expected: str) -> None:
    ctx = ErrorProbeContext(exchange=exchange(400, body), expect="invalid-body")
    assert list(error_answers.message_not_repr(ctx)) == [expected]


@pytest.mark.parametrize(
    "body",
    [
        {"detail": "Response 'resp_x' not found. Use 'client.responses.list()' to list available Responses."},
        {"detail": [{"type": "missing", "loc": ["body", "model"], "msg": "Field required"}]},
        {"error": {"message": "Invalid value: 'input' must be a string (see 'docs')", "type": "invalid_request_error"}},
    ],
)
def test_plain_messages_and_json_structures_are_not_reprs(body: Any) -> None:
    ctx = ErrorProbeContext(exchange=exchange(400, body), expect="invalid-body")
    assert list(error_answers.message_not_repr(ctx)) == []


def _after_error(
    connection: ConnectionAfterError | None, *, headers: dict[str, str] | None = None
) -> ErrorProbeContext:
    request = httpx.Request("GET", "http://fake.test/v1/files/file-x?limit=1")
    response = httpx.Response(404, headers=headers, json={"detail": "not found"}, request=request)
    return ErrorProbeContext(
        exchange=Exchange(request=request, response=response, text=response.text),
        expect="not-found",
        connection=connection,
    )


FOLLOW_UP = exchange(200, {"status": "OK"}, path="/v1/health")


def test_a_reset_after_an_error_answer_is_reported_with_the_request() -> None:
    ctx = _after_error(ConnectionAfterError(follow_up=FOLLOW_UP, reset="ReadError: [Errno 104]", reused=False))
    assert list(error_answers.connection_kept_alive(ctx)) == [
        "the next request on the same connection was reset after the HTTP 404 answer to "
        "GET /v1/files/file-x?limit=1 (ReadError: [Errno 104])"
    ]


def test_a_silently_closed_connection_is_reported() -> None:
    ctx = _after_error(ConnectionAfterError(follow_up=FOLLOW_UP, reused=False))
    assert list(error_answers.connection_kept_alive(ctx)) == [
        "the server closed the connection after the HTTP 404 answer to GET /v1/files/file-x?limit=1 without "
        "sending 'Connection: close'; the next request needed a new connection"
    ]


def test_connection_close_in_the_error_answer_is_a_graceful_close() -> None:
    ctx = _after_error(ConnectionAfterError(follow_up=FOLLOW_UP, reused=False), headers={"Connection": "close"})
    assert list(error_answers.connection_kept_alive(ctx)) == []


def test_the_connection_rule_needs_a_follow_up_and_a_transport_that_names_connections() -> None:
    with pytest.raises(NotApplicable, match="no follow-up"):
        list(error_answers.connection_kept_alive(_after_error(None)))
    with pytest.raises(NotApplicable, match="does not tell"):
        list(error_answers.connection_kept_alive(_after_error(ConnectionAfterError(follow_up=FOLLOW_UP))))
    kept = _after_error(ConnectionAfterError(follow_up=FOLLOW_UP, reused=True))
    assert list(error_answers.connection_kept_alive(kept)) == []
