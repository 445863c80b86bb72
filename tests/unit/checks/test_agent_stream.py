"""conformance/checks/agent_stream.py: streamed agent turns (Llama Stack 0.3)."""

from __future__ import annotations

from typing import Any

from conformance.checks import AgentTurnStreamContext, agent_stream
from tests.fakes.contexts import stream_of


def _ctx(*payloads: dict[str, Any]) -> AgentTurnStreamContext:
    ex, stream = stream_of(*({"event": {"payload": p}} for p in payloads))
    return AgentTurnStreamContext(exchange=ex, stream=stream)


def test_a_step_left_open_by_a_finished_turn_is_reported() -> None:
    ctx = _ctx(
        {"event_type": "turn_start", "turn_id": "t"},
        {"event_type": "step_start", "step_type": "inference", "step_id": "s"},
        {"event_type": "turn_complete", "turn": {"turn_id": "t"}},
    )
    assert list(agent_stream.steps_paired(ctx)) == ["the turn ended with step 's' started but never completed"]


def test_the_final_turn_must_be_the_announced_one() -> None:
    ctx = _ctx(
        {"event_type": "turn_start", "turn_id": "t1"}, {"event_type": "turn_complete", "turn": {"turn_id": "t2"}}
    )
    assert list(agent_stream.terminal_event(ctx)) == ["turn_complete carries turn 't2', turn_start announced 't1'"]


def test_awaiting_input_is_a_valid_end() -> None:
    ctx = _ctx(
        {"event_type": "turn_start", "turn_id": "t"}, {"event_type": "turn_awaiting_input", "turn": {"turn_id": "t"}}
    )
    assert list(agent_stream.terminal_event(ctx)) == []
