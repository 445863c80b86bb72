"""conformance/checks/responses_socket.py and the socket contexts: rules read from hand-made turns."""

from __future__ import annotations

import json

import httpx
import pytest

from conformance.checks import (
    NotApplicable,
    ResponsesSocketContext,
    SocketErrorContext,
    SocketRetryContext,
    responses_socket,
)
from conformance.checks.context import socket_error_of
from conformance.checks.responses_stream import terminal_event
from conformance.core.exchange import reproduction
from conformance.core.http_exchange import Exchange, SocketTurn
from conformance.core.redact import Redactor

URL = "ws://fake.test/v1/responses"


def _turn(*messages: object, closed: str | None = None, truncated: str | None = None) -> Exchange:
    texts = [m if isinstance(m, str) else json.dumps(m) for m in messages]
    turn = SocketTurn(sent="{}", messages=texts, closed=closed, truncated=truncated)
    request = httpx.Request("GET", URL, content=b"{}")
    return Exchange(request=request, response=httpx.Response(101, request=request), text="\n".join(texts), socket=turn)


def _refused(status: int) -> Exchange:
    request = httpx.Request("GET", URL)
    return Exchange(request=request, response=httpx.Response(status, request=request))


def test_a_refused_upgrade_skips_every_rule_with_the_answer() -> None:
    ctx = ResponsesSocketContext(exchange=_refused(200))
    expected = "the server does not serve WebSocket on /v1/responses: the upgrade was answered HTTP 200"
    assert (ctx.precondition() or "").startswith(expected)
    with pytest.raises(NotApplicable):
        list(responses_socket.answered(ctx))
    assert SocketErrorContext(exchange=_refused(404)).precondition() is not None


def test_an_error_after_response_created_is_not_an_answer_and_skips_the_stream_rules() -> None:
    ctx = ResponsesSocketContext(
        exchange=_turn({"type": "response.created"}, {"type": "error", "error": {"code": "server_error"}})
    )
    assert ctx.precondition() == "the response.create was answered with an error (see responses-socket-answered)"
    assert len(list(responses_socket.answered(ctx))) == 1


def test_a_failed_response_carries_the_error_too() -> None:
    failed = {"type": "response.failed", "response": {"error": {"code": "previous_response_not_found"}}}
    assert socket_error_of([{"type": "response.created"}, failed]) == {"code": "previous_response_not_found"}
    assert socket_error_of([{"type": "response.completed"}]) is None


def test_messages_must_be_json_objects_and_text() -> None:
    exchange = _turn({"type": "response.created"}, "[1]", "data: {}")
    assert exchange.socket is not None
    exchange.socket.binary = 1
    problems = list(responses_socket.json_messages(ResponsesSocketContext(exchange=exchange)))
    assert problems == [
        "1 of the turn's 3 messages came as binary frames",
        "message 1 is JSON but not an object: '[1]'",
        "message 2 is not JSON: 'data: {}'",
    ]


def test_a_socket_closed_mid_turn_is_judged_by_the_terminal_event_rule_and_a_cut_turn_is_not() -> None:
    closed = ResponsesSocketContext(exchange=_turn({"type": "response.created"}, closed="code 1011"))
    assert list(terminal_event(closed))
    assert not list(responses_socket.turn_ends(closed))
    cut = ResponsesSocketContext(exchange=_turn({"type": "response.created"}, truncated="more than 5 messages"))
    with pytest.raises(NotApplicable, match="cut off after more than 5 messages"):
        list(terminal_event(cut))
    assert list(responses_socket.turn_ends(cut)) == ["the turn did not end: reading stopped after more than 5 messages"]


def test_an_error_event_needs_a_code_and_a_message() -> None:
    ctx = SocketErrorContext(exchange=_turn({"type": "error", "error": {"message": "gone"}}))
    assert list(responses_socket.error_event(ctx)) == [
        'the error event\'s error has no string \'code\': {"message": "gone"}'
    ]
    assert list(responses_socket.previous_response_not_found(ctx)) == [
        "expected error code 'previous_response_not_found', got null"
    ]


def test_the_socket_must_survive_the_error() -> None:
    error = {"type": "error", "error": {"code": "previous_response_not_found", "message": "gone"}}
    closed = SocketErrorContext(exchange=_turn(error, closed="the server closed the socket (code 1011)"))
    assert list(responses_socket.usable_after_error(closed)) == [
        "the server closed the socket with the error (the server closed the socket (code 1011))"
    ]
    recovered = SocketErrorContext(exchange=_turn(error), recovery=_turn({"type": "response.completed"}))
    assert not list(responses_socket.usable_after_error(recovered))
    unanswered = SocketErrorContext(exchange=_turn(error), recovery=_turn({"type": "response.created"}, closed="x"))
    assert [v.message for v in responses_socket.usable_after_error(unanswered)] == [  # type: ignore[union-attr]
        "the next response.create got 1 events, then x"
    ]


def test_a_failed_continuation_must_be_forgotten() -> None:
    gone = {"type": "error", "error": {"code": "previous_response_not_found", "message": "gone"}}
    assert not list(responses_socket.failed_continuation_evicts(SocketRetryContext(exchange=_turn(gone))))
    other = {"type": "error", "error": {"code": "invalid_request", "message": "bad tool output"}}
    assert list(responses_socket.failed_continuation_evicts(SocketRetryContext(exchange=_turn(other)))) == [
        "the same continuation sent again failed with 'invalid_request', not 'previous_response_not_found'"
    ]
    served = _turn({"type": "response.created"}, {"type": "response.completed"})
    assert list(responses_socket.failed_continuation_evicts(SocketRetryContext(exchange=served))) == [
        "the same continuation sent again was answered with 'response.completed'"
    ]


def test_a_finding_on_a_socket_turn_is_reproduced_with_websocat() -> None:
    exchange = _turn({"type": "response.created"})
    assert reproduction(exchange, Redactor()) == "printf '%s\\n' '{}' | websocat ws://fake.test/v1/responses"
