"""Models, legacy completions and embeddings: single calls every client makes."""

from __future__ import annotations

from conformance.scenarios.base import Scenario, ScenarioContext, ScenarioError, scenario

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = []


@scenario(SCENARIOS, "models-list", "List models, then retrieve the chat model", api="models")
def models(ctx: ScenarioContext) -> None:
    ctx.call("list", "GET", "/v1/models")
    ctx.call("get-chat-model", "GET", f"/v1/models/{ctx.models.chat}")
    ctx.call("get-unknown", "GET", "/v1/models/no-such-model")


@scenario(SCENARIOS, "completions-create", "A legacy text completion", api="completions")
def completions(ctx: ScenarioContext) -> None:
    body = {"model": ctx.models.chat, "prompt": "Once upon a time", "max_tokens": 16}
    ctx.call("create", "POST", "/v1/completions", json=body)


@scenario(SCENARIOS, "embeddings-create", "Embeddings for a string and for a list of strings", api="embeddings")
def embeddings(ctx: ScenarioContext) -> None:
    if ctx.models.embedding is None:
        raise ScenarioError(f"scenario {ctx.scenario_id}: the server lists no embedding model")
    ctx.call("single", "POST", "/v1/embeddings", json={"model": ctx.models.embedding, "input": "hello"})
    ctx.call("batch", "POST", "/v1/embeddings", json={"model": ctx.models.embedding, "input": ["hello", "world"]})
