"""The ``streaming`` suite: send real streaming requests and judge each stream with our checks.

Every (scenario, check) pair is one case, ``streaming/<scenario>/<check short id>`` on the scenario's
operation, so a report's operation-by-check matrix, ``--include``/``--exclude`` globs and baselines all
address single rules. Each scenario runs its requests as named steps (the stream, then reading back
and deleting what it created); the streamed step's exchange feeds all of its checks.

The ``responses-websocket/*`` scenarios send the same requests as ``response.create`` messages over a
WebSocket on ``/v1/responses`` (OpenAI's WebSocket mode, served by OGX 1.5): one response, a
continuation with ``previous_response_id`` on the same socket (stored, and ``store: false``), and a
``store: false`` continuation on a new socket, which must fail with an error event and leave the
socket usable. Their events are judged by the same Responses stream rules as the SSE stream, plus the
socket's own (``checks/responses_socket.py``); on a server that does not switch protocols for the
upgrade (Llama Stack answers it as a plain ``GET``) every case says ``skip`` with that answer.

The model is the first LLM ``GET /v1/models`` lists (the deterministic model server's
``<provider>/conformance-chat`` when registered). To get a function call from it, the request offers a
tool and names it in the user message: with ``tool_choice: auto`` that model calls the first tool whose
name appears in the last user message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from conformance.checks import (
    AgentTurnStreamContext,
    ChatStreamContext,
    PayloadValidator,
    ResponsesSocketContext,
    ResponsesStreamContext,
    SocketErrorContext,
    SocketRetryContext,
)
from conformance.checks.agent_stream import payload_of
from conformance.checks.context import socket_error_of
from conformance.checks.evaluate import CheckContext
from conformance.checks.registry import checks_for
from conformance.checks.responses_socket import ERROR_EVENT
from conformance.checks.responses_stream import TERMINAL_EVENTS
from conformance.core.client import TargetClient
from conformance.core.http_exchange import Exchange
from conformance.core.results import CaseResult
from conformance.core.sse import SSELimits
from conformance.runner.base import RunContext
from conformance.runner.cases import (
    JudgedScenario,
    case_id,
    check_cases,
    quietly,
    scenario_steps,
    setup_json,
    stream_of,
)
from conformance.runner.model_choice import CHAT_MODEL_SUFFIX, pick_model
from conformance.scenarios import ScenarioContext

__all__ = [
    "AGENTS",
    "CHAT_FUNCTION_TOOL",
    "CHAT_MODEL_SUFFIX",
    "SCENARIOS",
    "StreamValidators",
    "StreamingSuite",
    "pick_model",
]


FUNCTION_TOOL: dict[str, Any] = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather for a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
CHAT_FUNCTION_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {k: v for k, v in FUNCTION_TOOL.items() if k != "type"},
}
"""The same tool in the chat completions shape."""
PROMPT = "Say hello in one short sentence."
FOLLOW_UP = "Now say goodbye in one short sentence."
SOCKET_PATH = "/v1/responses"
SOCKET_KINDS = ("responses-stream", "responses-socket")
TOOL_PROMPT = "Use get_weather to look up the weather in Paris."
AGENTS = "/v1alpha/agents"


@dataclass(frozen=True)
class StreamValidators:
    """Per-event schema validators from the spec layer; checks that need one skip without it."""

    responses_event: PayloadValidator | None = None
    chat_chunk: PayloadValidator | None = None
    agent_event: PayloadValidator | None = None

    @classmethod
    def from_spec(cls, profile_id: str) -> StreamValidators:
        """The event schemas the profile's spec documents for each streaming operation."""
        from conformance.runner.spec_validators import event_validator

        return cls(
            responses_event=event_validator(profile_id, "POST", "/v1/responses"),
            chat_chunk=event_validator(profile_id, "POST", "/v1/chat/completions"),
            agent_event=event_validator(profile_id, "POST", f"{AGENTS}/{{agent_id}}/session/{{session_id}}/turn"),
        )


SCENARIOS = (
    JudgedScenario("responses/text", "POST /v1/responses", ("sse", "responses-stream")),
    JudgedScenario(
        "responses/function-call", "POST /v1/responses", ("sse", "responses-stream", "responses-function-call")
    ),
    JudgedScenario("responses-websocket/text", "POST /v1/responses", SOCKET_KINDS),
    JudgedScenario("responses-websocket/continuation", "POST /v1/responses", SOCKET_KINDS),
    JudgedScenario("responses-websocket/store-false-continuation", "POST /v1/responses", SOCKET_KINDS),
    JudgedScenario("responses-websocket/continuation-elsewhere", "POST /v1/responses", ("responses-socket-error",)),
    JudgedScenario("responses-websocket/failed-continuation", "POST /v1/responses", ("responses-socket-retry",)),
    JudgedScenario(
        "responses-websocket/compact-new-chain",
        "POST /v1/responses",
        SOCKET_KINDS,
        needs=("POST /v1/responses/compact",),
    ),
    JudgedScenario(
        "chat-completions/include-usage", "POST /v1/chat/completions", ("sse", "chat-stream", "chat-stream-usage")
    ),
    JudgedScenario(
        "chat-completions/tool-call",
        "POST /v1/chat/completions",
        ("sse", "chat-stream", "chat-stream-tool-calls"),
        needs=("POST /v1/chat/completions {tools}", "POST /v1/chat/completions {tool_choice}"),
    ),
    JudgedScenario(
        "chat-completions/n-choices",
        "POST /v1/chat/completions",
        ("sse", "chat-stream", "chat-stream-choices"),
        needs=("POST /v1/chat/completions {n}",),
    ),
    JudgedScenario(
        "chat-completions/logprobs",
        "POST /v1/chat/completions",
        ("sse", "chat-stream", "chat-stream-logprobs"),
        needs=("POST /v1/chat/completions {logprobs}", "POST /v1/chat/completions {top_logprobs}"),
    ),
    JudgedScenario(
        "agents/turn",
        f"POST {AGENTS}/{{agent_id}}/session/{{session_id}}/turn",
        ("sse", "agent-stream"),
        needs_agents=True,
    ),
)
"""The streaming suite's scenarios, each with the check kinds that judge its stream."""


@dataclass
class StreamingSuite:
    """Streams Responses (text and function call), chat completions and agent turns, and judges them."""

    limits: SSELimits = field(default_factory=SSELimits)
    validators: StreamValidators = field(default_factory=StreamValidators)
    name: str = "streaming"

    def run(self, ctx: RunContext) -> Iterator[CaseResult]:
        model = cache(partial(pick_model, ctx.client))  # asked once, and only when a scenario runs
        builders: dict[str, Callable[[], CheckContext]] = {
            "responses/text": lambda: self._responses(ctx.client, model(), function_tool=False),
            "responses/function-call": lambda: self._responses(ctx.client, model(), function_tool=True),
            "responses-websocket/text": lambda: self._socket_response(ctx.client, model(), "text"),
            "responses-websocket/continuation": lambda: self._socket_response(ctx.client, model(), "continuation"),
            "responses-websocket/store-false-continuation": lambda: self._socket_response(
                ctx.client, model(), "store-false-continuation"
            ),
            "responses-websocket/continuation-elsewhere": lambda: self._socket_elsewhere(ctx.client, model()),
            "responses-websocket/failed-continuation": lambda: self._socket_retry(ctx.client, model()),
            "responses-websocket/compact-new-chain": lambda: self._socket_compacted(ctx.client, model()),
            "chat-completions/include-usage": lambda: self._chat(ctx.client, model()),
            "chat-completions/tool-call": lambda: self._chat_tool_call(ctx.client, model()),
            "chat-completions/n-choices": lambda: self._chat_choices(ctx.client, model()),
            "chat-completions/logprobs": lambda: self._chat_logprobs(ctx.client, model()),
            "agents/turn": lambda: self._agent_turn(ctx.client, model()),
        }
        mine = ctx.in_shard(SCENARIOS, lambda scenario: scenario.name)  # --shard: by scenario
        wanted = {
            s.name: [c for c in checks_for(s.kinds) if ctx.wants(case_id(self.name, s.name, c), s.operation)]
            for s in mine
        }
        planned = [scenario for scenario in mine if wanted[scenario.name]]
        for done, scenario in enumerate(planned):
            ctx.units(done, len(planned))
            checks, build = wanted[scenario.name], builders[scenario.name]
            yield from check_cases(ctx, suite=self.name, scenario=scenario, checks=checks, build=build)
        ctx.units(len(planned), len(planned))

    def _steps(self, client: TargetClient, name: str, model: str) -> ScenarioContext:
        """The named steps of one of the suite's scenarios (``streaming/<name>``)."""
        return scenario_steps(client, f"{self.name}/{name}", model=model, limits=self.limits)

    def _responses(self, client: TargetClient, model: str, *, function_tool: bool) -> ResponsesStreamContext:
        steps = self._steps(client, "responses/function-call" if function_tool else "responses/text", model)
        body: dict[str, Any] = {"model": model, "input": PROMPT, "stream": True, "store": True}
        if function_tool:
            body.update(input=TOOL_PROMPT, tools=[FUNCTION_TOOL], tool_choice="auto")
        created = steps.call("create", "POST", "/v1/responses", json=body, stream=True)
        response_ids = [
            e["response"].get("id")
            for e in created.events()
            if isinstance(e, dict) and isinstance(e.get("response"), dict)
        ]
        response_id = next((i for i in response_ids if isinstance(i, str) and i), None)
        if response_id:
            quietly(steps, "retrieve", "GET", f"/v1/responses/{response_id}")
            quietly(steps, "delete", "DELETE", f"/v1/responses/{response_id}")
        return ResponsesStreamContext(
            exchange=created,
            stream=stream_of(created),
            validator=self.validators.responses_event,
            function_tool=function_tool,
            retrieved=steps.exchanges.get("retrieve"),
        )

    def _socket_response(self, client: TargetClient, model: str, name: str) -> ResponsesSocketContext:
        """One response over a WebSocket (``text``), or the second of two on one socket, continuing the
        first with ``previous_response_id`` (``continuation``: stored; ``store-false-continuation``)."""
        steps = self._steps(client, f"responses-websocket/{name}", model)
        validator = self.validators.responses_event
        opened = steps.open_socket("connect", SOCKET_PATH)
        if isinstance(opened, Exchange):
            return ResponsesSocketContext(exchange=opened, validator=validator)
        store = name != "store-false-continuation"
        unmet = None
        with opened as socket:
            judged = steps.socket_turn("create", socket, _create(model, PROMPT, store=store), ends=_turn_over)
            if name != "text":
                first_id = _completed_id(judged)
                if first_id is None:
                    unmet = (
                        "the first response.create on the socket did not complete, so there was nothing to "
                        f"continue (see {self.name}/responses-websocket/text)"
                    )
                else:
                    follow_up = _create(model, FOLLOW_UP, store=store, previous_response_id=first_id)
                    judged = steps.socket_turn("continue", socket, follow_up, ends=_turn_over)
        created = [i for i in (_completed_id(e) for e in steps.exchanges.values() if e.socket) if i] if store else []
        if created and unmet is None:
            quietly(steps, "retrieve", "GET", f"/v1/responses/{created[-1]}")
        for position, response_id in enumerate(reversed(created)):
            quietly(steps, f"delete-{position}", "DELETE", f"/v1/responses/{response_id}")
        return ResponsesSocketContext(
            exchange=judged, validator=validator, retrieved=steps.exchanges.get("retrieve"), unmet=unmet
        )

    def _socket_elsewhere(self, client: TargetClient, model: str) -> SocketErrorContext:
        """A ``store: false`` response on one socket, continued on a new one (which cannot know it), then a
        fresh response on that same new socket."""
        steps = self._steps(client, "responses-websocket/continuation-elsewhere", model)
        opened = steps.open_socket("connect", SOCKET_PATH)
        if isinstance(opened, Exchange):
            return SocketErrorContext(exchange=opened)
        with opened as socket:
            first = steps.socket_turn("create", socket, _create(model, PROMPT, store=False), ends=_turn_over)
        first_id = _completed_id(first)
        if first_id is None:
            unmet = "the store: false response.create did not complete, so there was nothing to continue"
            return SocketErrorContext(exchange=first, unmet=f"{unmet} (see {self.name}/responses-websocket/text)")
        reopened = steps.open_socket("reconnect", SOCKET_PATH)
        if isinstance(reopened, Exchange):
            return SocketErrorContext(exchange=reopened)
        recovery = None
        with reopened as socket:
            elsewhere = _create(model, FOLLOW_UP, store=False, previous_response_id=first_id)
            failing = steps.socket_turn("continue", socket, elsewhere, ends=_failure_over)
            assert failing.socket is not None
            if failing.socket.closed is None:
                recovery = steps.socket_turn("start-over", socket, _create(model, PROMPT, store=False), ends=_turn_over)
        return SocketErrorContext(exchange=failing, recovery=recovery)

    def _socket_retry(self, client: TargetClient, model: str) -> SocketRetryContext:
        """A ``store: false`` response continued with a tool output for a call it never made (which must
        fail), then the same continuation again on the same socket."""
        steps = self._steps(client, "responses-websocket/failed-continuation", model)
        opened = steps.open_socket("connect", SOCKET_PATH)
        if isinstance(opened, Exchange):
            return SocketRetryContext(exchange=opened)
        with opened as socket:
            first = steps.socket_turn("create", socket, _create(model, PROMPT, store=False), ends=_turn_over)
            first_id = _completed_id(first)
            if first_id is None:
                unmet = f"the store: false response.create did not complete (see {self.name}/responses-websocket/text)"
                return SocketRetryContext(exchange=first, unmet=unmet)
            orphan = [{"type": "function_call_output", "call_id": "call_conformance_never_made", "output": "{}"}]
            continuation = {**_create(model, "", store=False, previous_response_id=first_id), "input": orphan}
            failed = steps.socket_turn("continue", socket, continuation, ends=_failure_over)
            if socket_error_of(failed.events()) is None or failed.socket is None or failed.socket.closed:
                unmet = "the continuation with a tool output for a call never made did not fail on an open socket"
                return SocketRetryContext(exchange=failed, failed=failed, unmet=unmet)
            retry = steps.socket_turn("continue-again", socket, continuation, ends=_failure_over)
        return SocketRetryContext(exchange=retry, failed=failed)

    def _socket_compacted(self, client: TargetClient, model: str) -> ResponsesSocketContext:
        """A window compacted over HTTP (``POST /v1/responses/compact``), its output passed back as the input
        of a new ``store: false`` response on a WebSocket: a new chain, without ``previous_response_id``."""
        steps = self._steps(client, "responses-websocket/compact-new-chain", model)
        window = [
            {"type": "message", "role": "user", "content": PROMPT},
            {"type": "message", "role": "assistant", "content": "Hello there."},
        ]
        compacted = steps.call("compact", "POST", "/v1/responses/compact", json={"model": model, "input": window})
        output = (compacted.json_or_none() or {}).get("output") if compacted.status == 200 else None
        if not isinstance(output, list) or not output:
            unmet = (
                f"POST /v1/responses/compact answered HTTP {compacted.status} without an output list, so there was "
                "no compacted window to continue (see replay/responses-compact)"
            )
            return ResponsesSocketContext(exchange=compacted, validator=self.validators.responses_event, unmet=unmet)
        opened = steps.open_socket("connect", SOCKET_PATH)
        if isinstance(opened, Exchange):
            return ResponsesSocketContext(exchange=opened, validator=self.validators.responses_event)
        follow_up = [*output, {"type": "message", "role": "user", "content": FOLLOW_UP}]
        with opened as socket:
            message = {**_create(model, "", store=False), "input": follow_up}
            judged = steps.socket_turn("create", socket, message, ends=_turn_over)
        compaction_id = (compacted.json_or_none() or {}).get("id")
        if isinstance(compaction_id, str):  # a server may keep the compaction as a response (OGX does)
            quietly(steps, "delete-compaction", "DELETE", f"/v1/responses/{compaction_id}")
        return ResponsesSocketContext(exchange=judged, validator=self.validators.responses_event)

    def _chat(self, client: TargetClient, model: str) -> ChatStreamContext:
        steps = self._steps(client, "chat-completions/include-usage", model)
        body = {
            "model": model,
            "messages": [{"role": "user", "content": PROMPT}],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        created = steps.call("create", "POST", "/v1/chat/completions", json=body, stream=True)
        return ChatStreamContext(
            exchange=created, stream=stream_of(created), validator=self.validators.chat_chunk, include_usage=True
        )

    def _chat_tool_call(self, client: TargetClient, model: str) -> ChatStreamContext:
        """A streamed call of the one offered function, named in the user text (the model calls it)."""
        steps = self._steps(client, "chat-completions/tool-call", model)
        body = {
            "model": model,
            "messages": [{"role": "user", "content": TOOL_PROMPT}],
            "tools": [CHAT_FUNCTION_TOOL],
            "tool_choice": "auto",
            "stream": True,
        }
        created = steps.call("create", "POST", "/v1/chat/completions", json=body, stream=True)
        return ChatStreamContext(
            exchange=created,
            stream=stream_of(created),
            validator=self.validators.chat_chunk,
            tools=(CHAT_FUNCTION_TOOL,),
        )

    def _chat_choices(self, client: TargetClient, model: str) -> ChatStreamContext:
        """``n: 2``: two choices in one stream."""
        steps = self._steps(client, "chat-completions/n-choices", model)
        body = {"model": model, "messages": [{"role": "user", "content": PROMPT}], "n": 2, "stream": True}
        created = steps.call("create", "POST", "/v1/chat/completions", json=body, stream=True)
        return ChatStreamContext(
            exchange=created, stream=stream_of(created), validator=self.validators.chat_chunk, choices=2
        )

    def _chat_logprobs(self, client: TargetClient, model: str) -> ChatStreamContext:
        """``logprobs`` with two alternatives per token."""
        steps = self._steps(client, "chat-completions/logprobs", model)
        body = {
            "model": model,
            "messages": [{"role": "user", "content": PROMPT}],
            "logprobs": True,
            "top_logprobs": 2,
            "stream": True,
        }
        created = steps.call("create", "POST", "/v1/chat/completions", json=body, stream=True)
        return ChatStreamContext(
            exchange=created, stream=stream_of(created), validator=self.validators.chat_chunk, top_logprobs=2
        )

    def _agent_turn(self, client: TargetClient, model: str) -> AgentTurnStreamContext:
        steps = self._steps(client, "agents/turn", model)
        config = {"model": model, "instructions": "You are a helpful assistant."}
        agent_id = setup_json(steps, "create-agent", "POST", AGENTS, json={"agent_config": config}).get("agent_id")
        try:
            session = setup_json(
                steps, "create-session", "POST", f"{AGENTS}/{agent_id}/session", json={"session_name": "conformance"}
            )
            base = f"{AGENTS}/{agent_id}/session/{session.get('session_id')}"
            body = {"messages": [{"role": "user", "content": PROMPT}], "stream": True}
            turn = steps.call("turn", "POST", f"{base}/turn", json=body, stream=True)
            payloads = [p for p in (payload_of(e) for e in turn.events() if isinstance(e, dict)) if p]
            # turn_start names the turn, but the 0.3 reference never sends it: the final turn does too.
            turns = [t for p in payloads if isinstance(t := p.get("turn"), dict)]
            named = [p.get("turn_id") for p in payloads] + [t.get("turn_id") for t in turns]
            turn_id = next((t for t in named if isinstance(t, str) and t), None)
            if turn_id:
                quietly(steps, "get-turn", "GET", f"{base}/turn/{turn_id}")
        finally:
            quietly(steps, "delete-agent", "DELETE", f"{AGENTS}/{agent_id}")
        return AgentTurnStreamContext(
            exchange=turn,
            stream=stream_of(turn),
            validator=self.validators.agent_event,
            retrieved=steps.exchanges.get("get-turn"),
        )


def _create(model: str, text: str, **fields: Any) -> dict[str, Any]:
    """A ``response.create`` message: the create body with its type, without ``stream``."""
    return {"type": "response.create", "model": model, "input": text, **fields}


def _turn_over(event: Any) -> bool:
    """Whether ``event`` (a decoded message) ends a ``response.create`` turn: a terminal event or an error."""
    return isinstance(event, dict) and event.get("type") in (*TERMINAL_EVENTS, ERROR_EVENT)


def _failure_over(event: Any) -> bool:
    """:func:`_turn_over` for a turn expected to fail: a message that is not JSON is its answer too
    (read no further: a server that answered in plain text may send nothing more)."""
    return event is None or _turn_over(event)


def _completed_id(turn: Exchange) -> str | None:
    """The id of the response a turn completed (its last event ``response.completed``), else ``None``."""
    events = turn.events()
    last = events[-1] if events else None
    if not isinstance(last, dict) or last.get("type") != "response.completed":
        return None
    response = last.get("response")
    response_id = response.get("id") if isinstance(response, dict) else None
    return response_id if isinstance(response_id, str) and response_id else None
