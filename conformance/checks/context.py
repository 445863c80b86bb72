"""What a check looks at: the named exchanges of one scenario plus what the suite knows about why they were sent.

Suites do the HTTP; checks only read these frozen contexts. Keeping the network out of the checks
makes every check a pure function that a unit test can drive from a fake server's recording.

A context names the check *kinds* that apply to it (``kinds``), so a stream without a function tool
is never judged by the function-call rules and an unknown-id probe never by the invalid-body rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import jsonschema
from jsonschema.protocols import Validator

from conformance.core.http_exchange import Exchange, SocketTurn
from conformance.core.sse import JsonObjects, SSEStream

__all__ = [
    "AgentTurnStreamContext",
    "ChatStreamContext",
    "ConnectionAfterError",
    "ErrorProbeContext",
    "ErrorSummaryContext",
    "EventSequence",
    "JsonResponseContext",
    "PayloadValidator",
    "ResponsesEvents",
    "ResponsesSocketContext",
    "ResponsesStreamContext",
    "SocketErrorContext",
    "SocketRetryContext",
    "StreamContext",
    "jsonschema_validator",
    "payload_validator",
]

PayloadValidator = Callable[[Any], Sequence[str]]
"""Validates one decoded payload and returns the problems found (empty when valid).

The spec layer provides these per operation (``event_schema(...)``); checks only need the call.
"""


def jsonschema_validator(schema: Mapping[str, Any]) -> PayloadValidator:
    """Adapt a JSON Schema (2020-12 unless it says otherwise) to a :data:`PayloadValidator`."""
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return payload_validator(cls(schema))


def payload_validator(validator: Validator) -> PayloadValidator:
    """Adapt a ready jsonschema validator (e.g. the spec layer's, with format checks) to a PayloadValidator."""

    def validate(payload: Any) -> list[str]:
        errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.absolute_path))
        return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}" for e in errors]

    return validate


class EventSequence(Protocol):
    """What rules about a sequence of events read, whichever transport carried it (an SSE stream, the
    messages of a WebSocket turn): the decoded events, why reading stopped early, the event schema."""

    @property
    def exchange(self) -> Exchange: ...

    @property
    def validator(self) -> PayloadValidator | None: ...

    def objects(self) -> Sequence[dict[str, Any]]:
        """The JSON-object events in order (an SSE stream's decoded as they are read)."""
        ...

    def cut_off(self) -> str | None:
        """Why the sequence may lack its end (reading stopped at a limit, the connection closed); ``None``
        when it was read to its end."""
        ...


class ResponsesEvents(EventSequence, Protocol):
    """A Responses event sequence (SSE or WebSocket) and the response read back after it."""

    @property
    def retrieved(self) -> Exchange | None: ...


@dataclass(frozen=True, kw_only=True)
class StreamContext:
    """A streamed request: the exchange, what was read from the stream, an optional validator."""

    exchange: Exchange
    stream: SSEStream
    validator: PayloadValidator | None = None
    """Validates each event's payload against its schema; ``None`` when no schema is known."""

    @property
    def kinds(self) -> tuple[str, ...]:
        return ("sse",)

    def precondition(self) -> str | None:
        """Why rules about the stream's content cannot be judged (the request itself failed)."""
        if self.exchange.status != 200:
            return f"the streaming request answered HTTP {self.exchange.status} (see sse-http-status)"
        return None

    def objects(self) -> JsonObjects:
        """The JSON-object payloads in order; ``[DONE]`` and undecodable events are left out. Decoded as
        they are read: a long stream's payloads are never all in memory at once, so a check iterates
        them (or indexes them) rather than copying them into a list."""
        return self.stream.objects()

    def cut_off(self) -> str | None:
        return "the stream was cut off (see sse-stream-ends)" if self.stream.truncated else None


@dataclass(frozen=True, kw_only=True)
class ResponsesStreamContext(StreamContext):
    """``POST /v1/responses`` with ``stream: true``."""

    function_tool: bool = False
    """True when the request offered a function tool and asked for it to be called."""
    retrieved: Exchange | None = None
    """``GET /v1/responses/{id}`` sent after the stream ended, when the stream named an id."""

    @property
    def kinds(self) -> tuple[str, ...]:
        extra = ("responses-function-call",) if self.function_tool else ()
        return ("sse", "responses-stream", *extra)


def _refused(exchange: Exchange) -> str | None:
    """Why a socket context has no turn: the server answered the upgrade without switching protocols."""
    if exchange.socket is not None:
        return None
    return (
        f"the server does not serve WebSocket on {exchange.request.url.path}: the upgrade was answered "
        f"HTTP {exchange.status} without switching protocols"
    )


def socket_error_of(events: Sequence[Any]) -> dict[str, Any] | None:
    """The error a WebSocket turn was answered with: an ``error`` event's, or a ``response.failed``
    event's response ``error`` (``{}`` for an error event without an ``error`` object); ``None`` when
    the turn reported no error."""
    for event in events:
        if not isinstance(event, dict):
            continue
        if event.get("type") == "error":
            error = event.get("error")
            return error if isinstance(error, dict) else {}
        response = event.get("response")
        if event.get("type") == "response.failed" and isinstance(response, dict):
            error = response.get("error")
            return error if isinstance(error, dict) else {}
    return None


@dataclass(frozen=True, kw_only=True)
class ResponsesSocketContext:
    """One ``response.create`` message sent over a WebSocket on ``/v1/responses`` and the events that
    answered it, judged by the same Responses lifecycle rules as an SSE stream plus the socket's own."""

    exchange: Exchange
    """The turn (``exchange.socket``), or the upgrade the server refused (no ``socket``)."""
    validator: PayloadValidator | None = None
    retrieved: Exchange | None = None
    """``GET /v1/responses/{id}`` sent after the turn, for a stored response."""
    unmet: str | None = None
    """Why this turn could not be sent as intended (the earlier turn it continues did not complete)."""

    @property
    def kinds(self) -> tuple[str, ...]:
        return ("responses-stream", "responses-socket")

    @property
    def turn(self) -> SocketTurn:
        assert self.exchange.socket is not None, "checked by unavailable()"
        return self.exchange.socket

    def unavailable(self) -> str | None:
        """Why there is no turn to judge at all (an earlier step failed, no WebSocket served)."""
        return self.unmet or _refused(self.exchange)

    def precondition(self) -> str | None:
        if (reason := self.unavailable()) is not None:
            return reason
        if socket_error_of(self.objects()) is not None:
            return "the response.create was answered with an error (see responses-socket-answered)"
        return None

    def objects(self) -> list[dict[str, Any]]:
        return [p for p in self.exchange.events() if isinstance(p, dict)]

    def cut_off(self) -> str | None:
        # A socket the server closed mid-turn ended the sequence (as a closed SSE stream does): the
        # rules about its last event apply. Only a turn the harness stopped reading lacks its end.
        turn = self.exchange.socket
        reason = turn.truncated if turn is not None else None
        return f"the turn was cut off after {reason} (see responses-socket-turn-ends)" if reason else None


@dataclass(frozen=True, kw_only=True)
class SocketErrorContext:
    """A ``response.create`` that must fail over a WebSocket (it continues a ``store: false`` response of
    another connection), and the turn sent after it on the same socket."""

    exchange: Exchange
    """The failing turn, or the upgrade the server refused."""
    recovery: Exchange | None = None
    """The next ``response.create`` on the same socket (a fresh response); ``None`` when not sent."""
    unmet: str | None = None
    """Why the failing turn could not be set up (the response it continues did not complete)."""

    @property
    def kinds(self) -> tuple[str, ...]:
        return ("responses-socket-error",)

    def precondition(self) -> str | None:
        return self.unmet or _refused(self.exchange)


@dataclass(frozen=True, kw_only=True)
class SocketRetryContext:
    """A ``store: false`` continuation that failed on a WebSocket (a tool output for a call the response
    never made), and the same continuation sent again on that socket."""

    exchange: Exchange
    """The continuation sent again (or the upgrade the server refused)."""
    failed: Exchange | None = None
    """The continuation that failed."""
    unmet: str | None = None
    """Why the retry could not be set up (the first response did not complete, the continuation did not fail)."""

    @property
    def kinds(self) -> tuple[str, ...]:
        return ("responses-socket-retry",)

    def precondition(self) -> str | None:
        return self.unmet or _refused(self.exchange)


@dataclass(frozen=True, kw_only=True)
class ChatStreamContext(StreamContext):
    """``POST /v1/chat/completions`` with ``stream: true``."""

    include_usage: bool = False
    """True when the request set ``stream_options.include_usage``."""
    tools: tuple[Mapping[str, Any], ...] = ()
    """The function tools the request offered (``{"type": "function", "function": {...}}``), when it
    asked for one to be called."""
    choices: int = 1
    """The request's ``n``: how many choices the stream must carry."""
    top_logprobs: int | None = None
    """Set when the request asked for ``logprobs`` (with this ``top_logprobs``, 0 when not given)."""

    @property
    def kinds(self) -> tuple[str, ...]:
        extra = [
            kind
            for kind, wanted in (
                ("chat-stream-usage", self.include_usage),
                ("chat-stream-tool-calls", bool(self.tools)),
                ("chat-stream-choices", self.choices > 1),
                ("chat-stream-logprobs", self.top_logprobs is not None),
            )
            if wanted
        ]
        return ("sse", "chat-stream", *extra)


@dataclass(frozen=True, kw_only=True)
class AgentTurnStreamContext(StreamContext):
    """A streamed agent turn (Llama Stack 0.3 Agents API)."""

    retrieved: Exchange | None = None
    """``GET .../turn/{turn_id}`` sent after the stream ended, when the stream named a turn."""

    @property
    def kinds(self) -> tuple[str, ...]:
        return ("sse", "agent-stream")


@dataclass(frozen=True, kw_only=True)
class ConnectionAfterError:
    """What a cheap request sent right after an error answer found of the keep-alive connection."""

    follow_up: Exchange
    reset: str | None = None
    """The error of the follow-up's first attempt when the reused connection was reset (it was retried)."""
    reused: bool | None = None
    """Whether the follow-up went over the error answer's connection; ``None`` when the transport does not tell."""


@dataclass(frozen=True, kw_only=True)
class ErrorProbeContext:
    """A request built to fail: an unknown resource id, an invalid body, or a streaming request that is
    invalid before its stream can start (unknown model or session)."""

    exchange: Exchange
    expect: Literal["not-found", "invalid-body", "invalid-stream"]
    subject: str = ""
    """What makes the request fail, for messages: ``an unknown model 'x'``, ``an unknown turn id 'y'``."""
    stream: SSEStream | None = None
    """The events read when a streaming probe was answered with a stream."""
    connection: ConnectionAfterError | None = None
    """Set when the suite sent a follow-up request to see whether the connection survived the error."""

    @property
    def kinds(self) -> tuple[str, ...]:
        return ("error", f"error-{self.expect}")

    def precondition(self) -> str | None:
        return None


@dataclass(frozen=True, kw_only=True)
class ErrorSummaryContext:
    """Every answered error probe of one run, judged together (rules about a server's consistency)."""

    probes: tuple[tuple[str, str, ErrorProbeContext], ...]
    """``(probe name, operation, context)`` in the order they were sent."""

    @property
    def kinds(self) -> tuple[str, ...]:
        return ("error-summary",)

    @property
    def exchange(self) -> Exchange:
        """The first probe's exchange: evidence for a finding that names no better one."""
        return self.probes[0][2].exchange

    def precondition(self) -> str | None:
        return None if self.probes else "no error probe was answered"


@dataclass(frozen=True, kw_only=True)
class JsonResponseContext:
    """A request that must succeed with a JSON body, and the spec's schema for that body."""

    exchange: Exchange
    validator: PayloadValidator | None = None
    """Validates the decoded body against the operation's documented response; ``None`` when unknown."""
    expected_status: int = 200

    @property
    def kinds(self) -> tuple[str, ...]:
        return ("json-response",)

    def precondition(self) -> str | None:
        if self.exchange.status != self.expected_status:
            return f"the request answered HTTP {self.exchange.status} (see json-response-status)"
        return None
