"""Chat Completions flows: plain, streaming, tools, structured output and sampling parameters."""

from __future__ import annotations

from typing import Any

from conformance.scenarios.base import Scenario, ScenarioContext, scenario

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = []

API = "chat"

WEATHER_FUNCTION: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "City name"}},
            "required": ["city"],
        },
    },
}


def _user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


@scenario(SCENARIOS, "chat-completions-create", "Chat completions, then the stored completion by id", api=API)
def create(ctx: ScenarioContext) -> None:
    body = {"model": ctx.models.chat, "messages": _user("Say hello to the conformance suite.")}
    exchange = ctx.call("create", "POST", "/v1/chat/completions", json=body)
    completion_id = ctx.require(exchange, "id")
    # 0.3 writes the inference store asynchronously: a read right after the create can miss it.
    # A second completion in between gives the write time, in the recording and in every replay.
    second = {"model": ctx.models.chat, "messages": _user("And say goodbye.")}
    ctx.call("create-second", "POST", "/v1/chat/completions", json=second)
    ctx.call("get-stored", "GET", f"/v1/chat/completions/{completion_id}")


@scenario(SCENARIOS, "chat-completions-stream", "A streaming chat completion with usage in the last chunk", api=API)
def stream(ctx: ScenarioContext) -> None:
    body = {
        "model": ctx.models.chat,
        "messages": _user("Tell me about streaming."),
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    ctx.call("create-stream", "POST", "/v1/chat/completions", json=body, stream=True)


@scenario(SCENARIOS, "chat-completions-tools", "A tool call, then the tool result sent back", api=API)
def tools(ctx: ScenarioContext) -> None:
    messages = _user("What is the weather in Paris? Use get_weather.")
    body = {"model": ctx.models.chat, "messages": messages, "tools": [WEATHER_FUNCTION], "tool_choice": "auto"}
    exchange = ctx.call("create-with-tool", "POST", "/v1/chat/completions", json=body)
    message = ctx.require(exchange, "choices", 0, "message")
    call = ctx.require(message, "tool_calls", 0)
    follow_up = [
        *messages,
        {"role": "assistant", "content": message.get("content"), "tool_calls": [call]},
        {"role": "tool", "tool_call_id": ctx.require(call, "id"), "content": '{"forecast": "sunny, 21 C"}'},
    ]
    body = {"model": ctx.models.chat, "messages": follow_up, "tools": [WEATHER_FUNCTION]}
    ctx.call("tool-result", "POST", "/v1/chat/completions", json=body)
    stream_body = {**body, "stream": True}
    ctx.call("tool-result-stream", "POST", "/v1/chat/completions", json=stream_body, stream=True)


@scenario(SCENARIOS, "chat-completions-structured-output", "response_format json_schema", api=API)
def structured_output(ctx: ScenarioContext) -> None:
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "population": {"type": "integer"}},
        "required": ["city", "population"],
        "additionalProperties": False,
    }
    body = {
        "model": ctx.models.chat,
        "messages": _user("Describe a city."),
        "response_format": {"type": "json_schema", "json_schema": {"name": "city", "schema": schema, "strict": True}},
    }
    ctx.call("create", "POST", "/v1/chat/completions", json=body)


@scenario(
    SCENARIOS, "chat-completions-parameters", "max_tokens, stop and n (recorded whatever the server does)", api=API
)
def parameters(ctx: ScenarioContext) -> None:
    text = "Write a few sentences. About anything at all. The more the better."
    base = {"model": ctx.models.chat, "messages": _user(text)}
    ctx.call("max-tokens", "POST", "/v1/chat/completions", json={**base, "max_tokens": 3})
    ctx.call("stop", "POST", "/v1/chat/completions", json={**base, "stop": ["."]})
    ctx.call("n", "POST", "/v1/chat/completions", json={**base, "n": 2})
