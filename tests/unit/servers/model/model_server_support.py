"""Helpers for the deterministic model server tests: an in-memory client and SSE parsing.

Imported by name from the test modules (pytest puts this directory on ``sys.path``); fixtures
live in conftest.py.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from conformance.servers.model import CHAT_MODEL, ModelServerConfig, create_app

__all__ = ["Api", "sse_chunks", "sse_payloads", "user"]


class Api:
    """Calls the ASGI app in memory; app exceptions propagate, so a 500 can never pass silently."""

    def __init__(self, config: ModelServerConfig | None = None) -> None:
        self.app = create_app(config)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://model.test") as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(call())

    def get(self, path: str) -> httpx.Response:
        return self.request("GET", path)

    def post(self, path: str, body: Any) -> httpx.Response:
        return self.request("POST", path, json=body)

    def chat(self, **fields: Any) -> httpx.Response:
        body = {"model": CHAT_MODEL, **fields}
        return self.post("/v1/chat/completions", body)


def sse_payloads(body: str) -> list[str]:
    """The ``data`` of each event; asserts the exact framing ``data: <payload>\\n\\n``."""
    assert body.endswith("\n\n")
    events = body.split("\n\n")[:-1]
    payloads = []
    for event in events:
        assert event.startswith("data: "), event
        assert "\n" not in event, event
        payloads.append(event.removeprefix("data: "))
    return payloads


def sse_chunks(body: str) -> list[dict[str, Any]]:
    """The JSON chunks of a stream that ends with ``[DONE]`` (and has nothing after it)."""
    payloads = sse_payloads(body)
    assert payloads[-1] == "[DONE]"
    assert "[DONE]" not in payloads[:-1]
    return [json.loads(payload) for payload in payloads[:-1]]


def user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}
