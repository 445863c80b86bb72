"""Conversations: create, read, update, items, delete (served by every profile; an internal API in 0.3)."""

from __future__ import annotations

from conformance.scenarios.base import Scenario, ScenarioContext, scenario

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = []


def _message(role: str, text: str) -> dict[str, object]:
    return {"type": "message", "role": role, "content": text}


@scenario(SCENARIOS, "conversations-crud", "Conversation CRUD and its items", api="conversations")
def crud(ctx: ScenarioContext) -> None:
    created = ctx.call(
        "create",
        "POST",
        "/v1/conversations",
        json={"items": [_message("user", "Hello there.")], "metadata": {"topic": "replay"}},
    )
    conversation_id = ctx.require(created, "id")
    base = f"/v1/conversations/{conversation_id}"
    ctx.call("get", "GET", base)
    ctx.call("update", "POST", base, json={"metadata": {"topic": "replay", "stage": "updated"}})
    # Items are listed by created_at in whole seconds and ties come back in any order: a second
    # between the two batches keeps the listing reproducible.
    ctx.pause(1.05)
    reply = _message("assistant", "Hi! How can I help?")
    added = ctx.call("add-items", "POST", f"{base}/items", json={"items": [reply]})
    item_id = ctx.require(added, "data", 0, "id")
    ctx.call("list-items", "GET", f"{base}/items")
    ctx.call("get-item", "GET", f"{base}/items/{item_id}")
    ctx.call("delete-item", "DELETE", f"{base}/items/{item_id}")
    ctx.call("delete", "DELETE", base)
    ctx.call("get-deleted", "GET", base)
