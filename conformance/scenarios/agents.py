"""The legacy Agents API (``llama-stack-0.3`` only, under ``/v1alpha/agents``).

Read from ``llama_stack/apis/agents/agents.py`` of 0.3.0: agents own sessions, sessions own turns,
turns own steps; a turn streams ``AgentTurnResponseStreamChunk`` events and, when the model calls a
*client* tool, ends with ``turn_awaiting_input`` until ``.../turn/{turn_id}/resume`` brings the
``tool_responses``.
"""

from __future__ import annotations

from typing import Any

from conformance.core.http_exchange import Exchange
from conformance.scenarios.base import AGENT_PROFILES, Scenario, ScenarioContext, scenario

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = []

BASE = "/v1alpha/agents"
API = "agents"

WEATHER_CLIENT_TOOL: dict[str, Any] = {
    "name": "get_weather",
    "description": "Current weather for a city.",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "City name"}},
        "required": ["city"],
    },
}


def _payload(event: Any) -> dict[str, Any]:
    payload = ((event or {}).get("event") or {}).get("payload") if isinstance(event, dict) else None
    return payload if isinstance(payload, dict) else {}


def _create_agent(ctx: ScenarioContext, **config: Any) -> str:
    agent_config = {
        "model": ctx.models.chat,
        "instructions": "You are a helpful assistant.",
        "name": "conformance-agent",
        "enable_session_persistence": True,
        **config,
    }
    exchange = ctx.call("create-agent", "POST", BASE, json={"agent_config": agent_config})
    return str(ctx.require(exchange, "agent_id"))


def _create_session(ctx: ScenarioContext, agent_id: str) -> str:
    exchange = ctx.call(
        "create-session", "POST", f"{BASE}/{agent_id}/session", json={"session_name": "conformance-session"}
    )
    return str(ctx.require(exchange, "session_id"))


def _turn(ctx: ScenarioContext, step: str, agent_id: str, session_id: str, text: str, *, stream: bool) -> Exchange:
    body = {"messages": [{"role": "user", "content": text}], "stream": stream}
    return ctx.call(step, "POST", f"{BASE}/{agent_id}/session/{session_id}/turn", json=body, stream=stream)


def _final_turn(ctx: ScenarioContext, exchange: Exchange, event_type: str) -> dict[str, Any]:
    event = ctx.find_event(exchange, lambda e: _payload(e).get("event_type") == event_type)
    turn = ctx.require(_payload(event), "turn")
    return dict(turn)


@scenario(
    SCENARIOS,
    "agents-lifecycle",
    "Agent, session, streaming turn; read turn, step, session; list; delete and confirm 404",
    api=API,
    profiles=AGENT_PROFILES,
)
def lifecycle(ctx: ScenarioContext) -> None:
    agent_id = _create_agent(ctx)
    session_id = _create_session(ctx, agent_id)
    turn = _final_turn(
        ctx, _turn(ctx, "streaming-turn", agent_id, session_id, "Say hello.", stream=True), "turn_complete"
    )
    turn_id = ctx.require(turn, "turn_id")
    step_id = ctx.require(turn, "steps", 0, "step_id")
    session = f"{BASE}/{agent_id}/session/{session_id}"
    ctx.call("get-turn", "GET", f"{session}/turn/{turn_id}")
    ctx.call("get-step", "GET", f"{session}/turn/{turn_id}/step/{step_id}")
    ctx.call("get-session", "GET", session)
    ctx.call("get-agent", "GET", f"{BASE}/{agent_id}")
    ctx.call("list-agents", "GET", BASE)
    ctx.call("list-sessions", "GET", f"{BASE}/{agent_id}/sessions")
    ctx.call("delete-session", "DELETE", session)
    ctx.call("get-deleted-session", "GET", session)
    ctx.call("delete-agent", "DELETE", f"{BASE}/{agent_id}")
    ctx.call("get-deleted-agent", "GET", f"{BASE}/{agent_id}")


@scenario(
    SCENARIOS,
    "agents-client-tool",
    "A turn that pauses with turn_awaiting_input for a client tool, resumed with tool_responses",
    api=API,
    profiles=AGENT_PROFILES,
)
def client_tool(ctx: ScenarioContext) -> None:
    agent_id = _create_agent(ctx, client_tools=[WEATHER_CLIENT_TOOL], tool_config={"tool_choice": "auto"})
    session_id = _create_session(ctx, agent_id)
    text = "What is the weather in Paris? Use get_weather."
    turn = _final_turn(ctx, _turn(ctx, "turn", agent_id, session_id, text, stream=True), "turn_awaiting_input")
    turn_id = ctx.require(turn, "turn_id")
    call = ctx.require(turn, "output_message", "tool_calls", 0)
    tool_response = {"call_id": call["call_id"], "tool_name": call["tool_name"], "content": "sunny, 21 C"}
    ctx.call(
        "resume",
        "POST",
        f"{BASE}/{agent_id}/session/{session_id}/turn/{turn_id}/resume",
        json={"tool_responses": [tool_response], "stream": True},
        stream=True,
    )
    ctx.call("get-turn", "GET", f"{BASE}/{agent_id}/session/{session_id}/turn/{turn_id}")
    ctx.call("delete-agent", "DELETE", f"{BASE}/{agent_id}")


@scenario(
    SCENARIOS,
    "agents-non-streaming-turn",
    "A non-streaming turn (llama-stack 0.3.0 answers 501: non-streaming turns are not implemented)",
    api=API,
    profiles=AGENT_PROFILES,
    # 0.3.0's meta-reference agents raise NotImplementedError for stream: false; the recording keeps
    # that answer so that a server which does implement it shows up as a difference, not a surprise.
    expects_errors=True,
)
def non_streaming_turn(ctx: ScenarioContext) -> None:
    agent_id = _create_agent(ctx)
    session_id = _create_session(ctx, agent_id)
    _turn(ctx, "turn", agent_id, session_id, "Say hello without streaming.", stream=False)
    ctx.call("delete-agent", "DELETE", f"{BASE}/{agent_id}")
