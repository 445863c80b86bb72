"""Rules of WebSocket mode on ``/v1/responses``, where the transport differs from the SSE stream.

A client opens a WebSocket on ``/v1/responses`` and sends one ``{"type": "response.create", ...}``
message per response (the create body without ``stream``); the server answers each with the events
of the SSE stream, one JSON object per text message, and keeps the socket open for the next one.
``store: false`` responses can be continued with ``previous_response_id`` on the same connection
only. Sources: OpenAI's WebSocket mode guide (developers.openai.com/api/docs/guides/websocket-mode),
which Open Responses adopts, and the Open Responses compliance suite's ``websocket-*`` tests, which
OGX's CI requires. The events themselves are judged by the Responses stream rules
(``responses_stream.py``), the same functions that judge an SSE stream.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from conformance.checks.context import ResponsesSocketContext, SocketErrorContext, SocketRetryContext, socket_error_of
from conformance.checks.registry import NotApplicable, Violation, check
from conformance.core.results import Severity

__all__ = ["ERROR_EVENT", "PREVIOUS_RESPONSE_NOT_FOUND"]

ERROR_EVENT = "error"
PREVIOUS_RESPONSE_NOT_FOUND = "previous_response_not_found"

_KIND = "responses-socket"
_ERROR_KIND = "responses-socket-error"


def _shown(value: object, limit: int = 200) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else f"{text[:limit]}…"


@check(
    "responses-socket-answered",
    severity=Severity.MUST,
    kind=_KIND,
    title="A valid response.create is answered with a response",
    guarded=False,
)
def answered(ctx: ResponsesSocketContext) -> Iterator[str]:
    """A well-formed ``response.create`` for a listed model (on a continuation, with a
    ``previous_response_id`` this connection created) is answered with the response's events, not an
    ``error`` event or a ``response.failed`` one. When this fails, the other rules about the turn are
    skipped. (OpenAI WebSocket mode; Open Responses ``websocket-response``,
    ``websocket-sequential-responses``, ``websocket-continuation``.)"""
    if (reason := ctx.unavailable()) is not None:
        raise NotApplicable(reason)
    error = socket_error_of(ctx.objects())
    if error is not None:
        yield f"the response.create was answered with an error: {_shown(error)}"


@check("responses-socket-json-messages", severity=Severity.MUST, kind=_KIND, title="Every message is one JSON event")
def json_messages(ctx: ResponsesSocketContext) -> Iterator[str]:
    """Each message the server sends is a text frame holding one JSON object, the event itself: no
    SSE framing (``event:``/``data:`` lines), no ``[DONE]`` sentinel, no binary frames. (OpenAI
    WebSocket mode; the Open Responses ``websocket-*`` tests parse every message as one JSON event.)"""
    turn = ctx.turn
    if turn.binary:
        yield f"{turn.binary} of the turn's {len(turn.messages)} messages came as binary frames"
    for position, message in enumerate(turn.messages):
        try:
            payload = json.loads(message)
        except ValueError:
            yield f"message {position} is not JSON: {_shown(message, 80)}"
            continue
        if not isinstance(payload, dict):
            yield f"message {position} is JSON but not an object: {_shown(message, 80)}"


@check(
    "responses-socket-turn-ends",
    severity=Severity.MUST,
    kind=_KIND,
    title="Each turn ends within the read limits",
)
def turn_ends(ctx: ResponsesSocketContext) -> Iterator[str]:
    """The server stops sending after a turn's last event instead of running past the suite's read
    limits (messages, bytes, seconds; the stream limits), so that the socket is free for the next
    ``response.create``. Rules about the last event are skipped for a turn that was cut off; a socket
    the server closes mid-turn is judged by ``responses-stream-terminal-event``. (OpenAI WebSocket
    mode: one socket serves its responses one after another.)"""
    if ctx.turn.truncated:
        yield f"the turn did not end: reading stopped after {ctx.turn.truncated}"


def _failing_error(ctx: SocketErrorContext) -> dict[str, object] | None:
    return socket_error_of(ctx.exchange.events())


@check(
    "responses-socket-error-event",
    severity=Severity.MUST,
    kind=_ERROR_KIND,
    title="A failed response.create is answered with a JSON error event",
)
def error_event(ctx: SocketErrorContext) -> Iterator[str]:
    """A ``response.create`` that cannot be served (here: it continues a ``store: false`` response of
    another connection) is answered on the socket with a JSON ``error`` event (``{"type": "error",
    "error": {"code": ..., "message": ...}}``, or a ``response.failed`` event whose response carries
    that ``error``), with a string ``code`` and ``message``: not plain text, not response events that
    complete, not a closed socket. (OpenAI WebSocket mode; Open Responses
    ``websocket-previous-response-not-found``.)"""
    turn = ctx.exchange.socket
    assert turn is not None, "checked by the precondition"
    error = _failing_error(ctx)
    if error is None:
        got = _shown(turn.messages[0], 120) if turn.messages else "no message"
        how = f"; {turn.closed}" if turn.closed else ""
        yield f"expected an error event, got {got}{how}"
        return
    for field in ("code", "message"):
        if not isinstance(error.get(field), str) or not error.get(field):
            yield f"the error event's error has no string {field!r}: {_shown(error)}"


@check(
    "responses-socket-previous-response-not-found",
    severity=Severity.MUST,
    kind=_ERROR_KIND,
    title="An unknown previous_response_id is reported as previous_response_not_found",
)
def previous_response_not_found(ctx: SocketErrorContext) -> Iterator[str]:
    """A ``store: false`` continuation naming a ``previous_response_id`` the connection does not hold
    (created on an earlier, closed connection) fails with error code ``previous_response_not_found``,
    which clients match to start a new chain. (OpenAI WebSocket mode; Open Responses
    ``websocket-previous-response-not-found``, ``websocket-reconnect-store-false-recovery``.)"""
    error = _failing_error(ctx)
    if error is None:
        raise NotApplicable("the turn was not answered with an error event (see responses-socket-error-event)")
    if error.get("code") != PREVIOUS_RESPONSE_NOT_FOUND:
        yield f"expected error code {PREVIOUS_RESPONSE_NOT_FOUND!r}, got {_shown(error.get('code'))}"


@check(
    "responses-socket-usable-after-error",
    severity=Severity.MUST,
    kind=_ERROR_KIND,
    title="The socket stays usable after an error event",
)
def usable_after_error(ctx: SocketErrorContext) -> Iterator[str | Violation]:
    """After an error event the server keeps the socket open: the next ``response.create`` on it (a
    fresh ``store: false`` response without ``previous_response_id``) completes. (OpenAI WebSocket
    mode: recover from ``previous_response_not_found`` by starting a new chain; Open Responses
    ``websocket-reconnect-store-false-recovery``.)"""
    turn = ctx.exchange.socket
    assert turn is not None, "checked by the precondition"
    if turn.closed:
        yield f"the server closed the socket with the error ({turn.closed})"
        return
    if ctx.recovery is None or ctx.recovery.socket is None:
        raise NotApplicable("no response.create was sent after the error")
    recovery = ctx.recovery.socket
    events = [e for e in ctx.recovery.events() if isinstance(e, dict)]
    last = events[-1].get("type") if events else None
    if recovery.closed:
        yield Violation(f"the next response.create got {len(events)} events, then {recovery.closed}", ctx.recovery)
    elif last != "response.completed":
        yield Violation(f"the next response.create did not complete: its last event is {last!r}", ctx.recovery)


@check(
    "responses-socket-failed-continuation-evicts",
    severity=Severity.SHOULD,
    kind="responses-socket-retry",
    title="A failed store: false continuation forgets the response it continued",
)
def failed_continuation_evicts(ctx: SocketRetryContext) -> Iterator[str]:
    """After a ``store: false`` continuation fails on a socket, the response it continued is no longer
    held by the connection: sending the continuation again is answered with
    ``previous_response_not_found``, so a client restarts the chain rather than building on state the
    failed turn may have left half-applied. SHOULD: Open Responses' compliance suite requires it
    (``websocket-failed-continuation-evicts-cache``); OpenAI's guide describes the connection-local
    cache, not this eviction."""
    error = socket_error_of(ctx.exchange.events())
    if error is None:
        events = [e.get("type") for e in ctx.exchange.events() if isinstance(e, dict)]
        yield f"the same continuation sent again was answered with {_shown(events[-1] if events else 'no event')}"
    elif error.get("code") != PREVIOUS_RESPONSE_NOT_FOUND:
        code = _shown(error.get("code"))
        yield f"the same continuation sent again failed with {code}, not {PREVIOUS_RESPONSE_NOT_FOUND!r}"
