"""The scenario context: every exchange goes to the hook, streams are read whole, prerequisites are enforced."""

from __future__ import annotations

import json

import httpx
import pytest

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.http_exchange import Exchange
from conformance.scenarios import Models, ScenarioContext, ScenarioError
from conformance.scenarios.base import MULTIPART_BOUNDARY

SSE = 'data: {"type": "response.created", "response": {"id": "resp_1"}}\n\ndata: [DONE]\n\n'


def _handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/v1/stream":
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, text=SSE)
    if request.url.path == "/v1/missing":
        return httpx.Response(404, json={"detail": "nope"})
    return httpx.Response(200, json={"id": "resp_1", "echo": request.content.decode()})


def _context(seen: list[Exchange]) -> ScenarioContext:
    client = TargetClient(ClientSettings(base_url="http://127.0.0.1:9"), transport=httpx.MockTransport(_handler))
    return ScenarioContext(client, Models(chat="m"), scenario_id="demo", hook=seen.append)


def test_every_call_reaches_the_hook_with_its_step_name() -> None:
    seen: list[Exchange] = []
    ctx = _context(seen)
    created = ctx.call("create", "POST", "/v1/things", json={"a": 1})
    assert ctx.require(created, "id") == "resp_1"
    streamed = ctx.call("stream", "POST", "/v1/stream", json={}, stream=True)
    assert [e.step for e in seen] == ["create", "stream"]
    assert ctx.exchanges == {"create": created, "stream": streamed}
    assert streamed.text == SSE
    assert streamed.events() == [{"type": "response.created", "response": {"id": "resp_1"}}]
    assert ctx.find_event(streamed, lambda e: e.get("type") == "response.created")["response"]["id"] == "resp_1"


def test_uploads_use_a_fixed_multipart_boundary() -> None:
    seen: list[Exchange] = []
    exchange = _context(seen).call("upload", "POST", "/v1/files", files={"file": ("a.txt", b"hi", "text/plain")})
    assert MULTIPART_BOUNDARY in json.loads(exchange.text)["echo"]


def test_a_missing_prerequisite_stops_the_flow_with_a_scenario_error() -> None:
    ctx = _context([])
    missing = ctx.call("get", "GET", "/v1/missing")
    with pytest.raises(ScenarioError, match=r"scenario demo, step get: no 'id' in the answer .*answered 404"):
        ctx.require(missing, "id")
    with pytest.raises(ScenarioError, match="the stream has no event"):
        ctx.find_event(missing, lambda e: True)


def test_a_value_missing_inside_an_earlier_answer_is_a_scenario_error_too() -> None:
    """A chat reply without tool_calls: the flow stops with a scenario error, not an AttributeError."""
    ctx = _context([])
    ctx.call("create", "POST", "/v1/things", json={})
    with pytest.raises(ScenarioError) as raised:
        ctx.require({"role": "assistant", "content": "hi"}, "tool_calls", 0)
    assert raised.value.message == "scenario demo, step create: no 'tool_calls/0' in the answer; the flow cannot go on"


def test_a_step_name_is_used_once_per_scenario() -> None:
    ctx = _context([])
    ctx.call("get", "GET", "/v1/x")
    with pytest.raises(ValueError, match="step name 'get' is used twice"):
        ctx.call("get", "GET", "/v1/x")


def test_a_pause_is_remembered_for_the_next_step(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("conformance.scenarios.base.time.sleep", slept.append)
    ctx = _context([])
    ctx.call("first", "GET", "/v1/x")
    ctx.pause(1.5)
    ctx.call("second", "GET", "/v1/x")
    assert slept == [1.5]
    assert ctx.pauses == {"second": 1.5}
