"""Responses API flows (every profile: 0.3 serves ``/v1/responses`` next to the Agents API).

Every flow deletes what it created, so that list endpoints in later flows see only their own
objects whatever order the flows run in, and a replay meets the same state the recording did.
"""

from __future__ import annotations

from typing import Any

from conformance.scenarios.base import Scenario, ScenarioContext, scenario

__all__ = ["SCENARIOS", "WEATHER_TOOL"]

SCENARIOS: list[Scenario] = []

WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "name": "get_weather",
    "description": "Current weather for a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "City name"}},
        "required": ["city"],
    },
}

PERSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
    "additionalProperties": False,
}

API = "responses"


def _create(ctx: ScenarioContext, step: str, **body: Any) -> str:
    exchange = ctx.call(step, "POST", "/v1/responses", json={"model": ctx.models.chat, **body})
    return str(ctx.require(exchange, "id"))


@scenario(SCENARIOS, "responses-create", "Create a response, read it back, list its input items, delete it", api=API)
def create_get_delete(ctx: ScenarioContext) -> None:
    response_id = _create(ctx, "create", input="Say hello to the conformance suite.", store=True)
    ctx.call("get", "GET", f"/v1/responses/{response_id}")
    ctx.call("input-items", "GET", f"/v1/responses/{response_id}/input_items")
    ctx.call("delete", "DELETE", f"/v1/responses/{response_id}")
    ctx.call("get-deleted", "GET", f"/v1/responses/{response_id}")


@scenario(SCENARIOS, "responses-stream", "Create a streaming response, then read the stored response", api=API)
def stream(ctx: ScenarioContext) -> None:
    body = {"model": ctx.models.chat, "input": "Tell me about streaming.", "stream": True}
    exchange = ctx.call("create-stream", "POST", "/v1/responses", json=body, stream=True)
    created = ctx.find_event(exchange, lambda e: e.get("type") == "response.created")
    response_id = ctx.require(created, "response", "id")
    ctx.call("get", "GET", f"/v1/responses/{response_id}")
    ctx.call("delete", "DELETE", f"/v1/responses/{response_id}")


@scenario(SCENARIOS, "responses-function-call", "A function tool call answered with function_call_output", api=API)
def function_call(ctx: ScenarioContext) -> None:
    exchange = ctx.call(
        "create-with-tool",
        "POST",
        "/v1/responses",
        json={
            "model": ctx.models.chat,
            "input": "What is the weather in Paris? Use get_weather.",
            "tools": [WEATHER_TOOL],
        },
    )
    first_id = ctx.require(exchange, "id")
    output = ctx.require(exchange, "output")
    call = next((item for item in output if item.get("type") == "function_call"), None)
    call_id = ctx.require(call, "call_id")
    second = _create(
        ctx,
        "function-call-output",
        previous_response_id=first_id,
        tools=[WEATHER_TOOL],
        input=[{"type": "function_call_output", "call_id": call_id, "output": '{"forecast": "sunny, 21 C"}'}],
    )
    ctx.call("input-items", "GET", f"/v1/responses/{second}/input_items")
    ctx.call("delete-second", "DELETE", f"/v1/responses/{second}")
    ctx.call("delete-first", "DELETE", f"/v1/responses/{first_id}")


@scenario(SCENARIOS, "responses-chain", "Two responses chained with previous_response_id", api=API)
def chain(ctx: ScenarioContext) -> None:
    first = _create(ctx, "create-first", input="My favourite colour is teal.")
    second = _create(ctx, "create-second", input="What is my favourite colour?", previous_response_id=first)
    ctx.call("get-second", "GET", f"/v1/responses/{second}")
    ctx.call("input-items-second", "GET", f"/v1/responses/{second}/input_items")
    ctx.call("delete-second", "DELETE", f"/v1/responses/{second}")
    ctx.call("delete-first", "DELETE", f"/v1/responses/{first}")


@scenario(
    SCENARIOS,
    "responses-conversation",
    "A response bound to a conversation adds to its items",
    api=API,
    uses=("conversations",),
)
def conversation(ctx: ScenarioContext) -> None:
    created = ctx.call("create-conversation", "POST", "/v1/conversations", json={"metadata": {"topic": "replay"}})
    conversation_id = ctx.require(created, "id")
    response_id = _create(ctx, "create-response", input="Hello inside a conversation.", conversation=conversation_id)
    ctx.call("list-items", "GET", f"/v1/conversations/{conversation_id}/items")
    ctx.call("delete-response", "DELETE", f"/v1/responses/{response_id}")
    ctx.call("delete-conversation", "DELETE", f"/v1/conversations/{conversation_id}")


@scenario(SCENARIOS, "responses-structured-output", "Structured output with text.format json_schema", api=API)
def structured_output(ctx: ScenarioContext) -> None:
    response_id = _create(
        ctx,
        "create",
        input="Describe a person.",
        text={"format": {"type": "json_schema", "name": "person", "schema": PERSON_SCHEMA, "strict": True}},
    )
    ctx.call("delete", "DELETE", f"/v1/responses/{response_id}")


@scenario(SCENARIOS, "responses-list", "List responses with pagination (limit, after)", api=API)
def list_paginated(ctx: ScenarioContext) -> None:
    # Lists sort by created_at (seconds); servers order ties arbitrarily, so the entries are
    # created a second apart, or a page after a cursor would hold a different entry every run.
    ids = []
    for n in (1, 2, 3):
        if n > 1:
            ctx.pause(1.05)
        ids.append(_create(ctx, f"create-{n}", input=f"List entry number {n}."))
    page = ctx.call("list-page-1", "GET", "/v1/responses", params={"limit": 2})
    last = ctx.require(page, "data", -1, "id")
    ctx.call("list-page-2", "GET", "/v1/responses", params={"limit": 2, "after": last})
    for n, response_id in zip((1, 2, 3), ids, strict=True):
        ctx.call(f"delete-{n}", "DELETE", f"/v1/responses/{response_id}")


@scenario(
    SCENARIOS, "responses-errors", "Errors: an unknown response id and an invalid body", api=API, expects_errors=True
)
def errors(ctx: ScenarioContext) -> None:
    ctx.call("get-unknown", "GET", "/v1/responses/resp_does_not_exist")
    ctx.call("delete-unknown", "DELETE", "/v1/responses/resp_does_not_exist")
    ctx.call("create-invalid", "POST", "/v1/responses", json={"input": 42})
