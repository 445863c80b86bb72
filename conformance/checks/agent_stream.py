"""Rules of a streamed agent turn (Llama Stack 0.3 Agents API).

Each event is ``{"event": {"payload": {"event_type": ...}}}`` (``AgentTurnResponseStreamChunk``): a turn
starts, runs steps that each start and complete, and ends complete or awaiting tool input. Clients
render progress from these events and fetch the turn afterwards, so both must agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conformance.checks.compare import mismatch_with_stored
from conformance.checks.context import AgentTurnStreamContext
from conformance.checks.registry import NotApplicable, Violation, check
from conformance.checks.sse import schema_problems
from conformance.core.results import Severity

__all__ = ["EVENT_TYPES", "TERMINAL_EVENT_TYPES", "payload_of"]

EVENT_TYPES = frozenset(
    {"turn_start", "step_start", "step_progress", "step_complete", "turn_complete", "turn_awaiting_input"}
)
TERMINAL_EVENT_TYPES = ("turn_complete", "turn_awaiting_input")

_KIND = "agent-stream"


def payload_of(chunk: dict[str, Any]) -> dict[str, Any] | None:
    """``chunk['event']['payload']`` when the chunk has that shape."""
    event = chunk.get("event")
    payload = event.get("payload") if isinstance(event, dict) else None
    return payload if isinstance(payload, dict) else None


def _payloads(ctx: AgentTurnStreamContext) -> list[dict[str, Any]]:
    return [p for p in (payload_of(c) for c in ctx.objects()) if p is not None]


def _final_turn(payloads: list[dict[str, Any]]) -> dict[str, Any] | None:
    last = payloads[-1] if payloads else {}
    turn = last.get("turn")
    return turn if last.get("event_type") in TERMINAL_EVENT_TYPES and isinstance(turn, dict) else None


@check("agent-stream-event-schema", severity=Severity.MUST, kind=_KIND, title="Events match the stream chunk schema")
def event_schema(ctx: AgentTurnStreamContext) -> Iterator[str]:
    """Each event validates against the profile's ``AgentTurnResponseStreamChunk`` schema."""
    yield from schema_problems(ctx, "event")


@check(
    "agent-stream-event-shape",
    severity=Severity.MUST,
    kind=_KIND,
    title="Events are {event: {payload: {event_type}}} with a known type",
)
def event_shape(ctx: AgentTurnStreamContext) -> Iterator[str]:
    """Without a schema, the structure clients dispatch on: ``event.payload.event_type`` is one of
    the six documented event types."""
    chunks = ctx.objects()
    if not chunks:
        yield "the stream carried no JSON events"
    for position, chunk in enumerate(chunks):
        payload = payload_of(chunk)
        if payload is None:
            yield f"event {position} has no event.payload object (keys: {sorted(chunk)})"
        elif payload.get("event_type") not in EVENT_TYPES:
            yield f"event {position} has unknown event_type {payload.get('event_type')!r}"


@check("agent-stream-turn-start", severity=Severity.MUST, kind=_KIND, title="The first event is turn_start")
def turn_start(ctx: AgentTurnStreamContext) -> Iterator[str]:
    """The stream opens with ``turn_start`` naming the new turn's id."""
    payloads = _payloads(ctx)
    first = payloads[0] if payloads else {}
    if first.get("event_type") != "turn_start":
        yield f"expected the first event to be turn_start, got {first.get('event_type')!r}"
    elif not first.get("turn_id"):
        yield "turn_start carries no turn_id"


@check(
    "agent-stream-steps-paired",
    severity=Severity.MUST,
    kind=_KIND,
    title="Each step_start is paired with a step_complete",
)
def steps_paired(ctx: AgentTurnStreamContext) -> Iterator[str]:
    """Every ``step_start`` is followed by a ``step_complete`` with the same ``step_id`` and
    ``step_type``; progress and completion only name started steps; a finished turn leaves none open."""
    open_steps: dict[Any, Any] = {}
    payloads = _payloads(ctx)
    for position, payload in enumerate(payloads):
        kind, step_id = payload.get("event_type"), payload.get("step_id")
        if kind == "step_start":
            if step_id in open_steps:
                yield f"step_start at event {position} reopens step {step_id!r}"
            open_steps[step_id] = payload.get("step_type")
        elif kind in ("step_progress", "step_complete"):
            if step_id not in open_steps:
                yield f"{kind} at event {position} names step {step_id!r}, which is not open"
                continue
            if payload.get("step_type") != open_steps[step_id]:
                yield f"{kind} at event {position} has step_type {payload.get('step_type')!r}, " + (
                    f"its step_start said {open_steps[step_id]!r}"
                )
            if kind == "step_complete":
                del open_steps[step_id]
    if _final_turn(payloads) is not None:
        for step_id in open_steps:
            yield f"the turn ended with step {step_id!r} started but never completed"


@check(
    "agent-stream-terminal-event",
    severity=Severity.MUST,
    kind=_KIND,
    title="The last event is turn_complete or turn_awaiting_input",
)
def terminal_event(ctx: AgentTurnStreamContext) -> Iterator[str]:
    """The stream ends with ``turn_complete`` or ``turn_awaiting_input`` carrying the turn whose id
    ``turn_start`` announced."""
    if ctx.stream.truncated:
        raise NotApplicable("the stream was cut off (see sse-stream-ends)")
    payloads = _payloads(ctx)
    last = payloads[-1] if payloads else {}
    if last.get("event_type") not in TERMINAL_EVENT_TYPES:
        yield f"expected the last event to be turn_complete or turn_awaiting_input, got {last.get('event_type')!r}"
        return
    turn = _final_turn(payloads)
    if turn is None:
        yield f"{last.get('event_type')} carries no turn object"
        return
    started = payloads[0].get("turn_id") if payloads[0].get("event_type") == "turn_start" else None
    if started is not None and turn.get("turn_id") != started:
        yield f"{last.get('event_type')} carries turn {turn.get('turn_id')!r}, turn_start announced {started!r}"


@check(
    "agent-stream-turn-matches-retrieve",
    severity=Severity.MUST,
    kind=_KIND,
    title="The streamed turn equals GET .../turn/{turn_id}",
)
def turn_matches_retrieve(ctx: AgentTurnStreamContext) -> Iterator[str | Violation]:
    """The turn in the terminal event equals the one ``GET /v1alpha/agents/{agent_id}/session/
    {session_id}/turn/{turn_id}`` returns right after the stream, ignoring null-vs-absent fields."""
    turn = _final_turn(_payloads(ctx))
    if turn is None:
        raise NotApplicable("the stream has no terminal event carrying the turn")
    yield from mismatch_with_stored(turn, ctx.retrieved, "turn", turn.get("turn_id"))
