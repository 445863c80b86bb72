"""conformance/core/websocket.py: sockets to the server under test, on real sockets, within the limits."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import HarnessError
from conformance.core.http_exchange import Exchange
from conformance.core.limits import Limits
from conformance.core.sse import SSELimits
from conformance.core.websocket import Socket, socket_url
from conformance.servers.serving import running_app
from tests.fakes import CHAT_MODEL, make_app

SHORT = Limits(timeout_s=0.5, connect_timeout_s=2.0)
"""Short enough that a silent server ends the test at once; nothing here asserts on time."""


def _over(event: object) -> bool:
    return isinstance(event, dict) and event.get("type") in ("response.completed", "error")


async def _silent(websocket: WebSocket) -> None:
    """Reads every message and never answers."""
    await websocket.accept()
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await websocket.receive_text()


async def _chatty(websocket: WebSocket) -> None:
    """Answers the first message with events that never end (until the client goes away)."""
    await websocket.accept()
    await websocket.receive_text()
    with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
        for number in range(100_000):
            await websocket.send_text(json.dumps({"type": "response.in_progress", "sequence_number": number}))
            await asyncio.sleep(0)


@pytest.fixture
def odd_server() -> Iterator[str]:
    app = Starlette(routes=[WebSocketRoute("/silent", _silent), WebSocketRoute("/chatty", _chatty)])
    with running_app(app) as base_url:
        yield base_url


def _client(base_url: str, limits: Limits = SHORT) -> TargetClient:
    return TargetClient(ClientSettings(base_url=base_url, api_key="sk-test", limits=limits))


def test_socket_urls_follow_the_base_url_scheme() -> None:
    assert socket_url("http://127.0.0.1:8321/", "/v1/responses") == "ws://127.0.0.1:8321/v1/responses"
    assert socket_url("https://example.test/base", "/v1/responses") == "wss://example.test/base/v1/responses"


def test_a_turn_on_a_real_socket_is_an_exchange_of_the_upgrade_and_the_messages() -> None:
    with running_app(make_app()) as base_url, _client(base_url, Limits()) as client:
        opened = client.open_socket("/v1/responses")
        assert isinstance(opened, Socket)
        with opened as socket:
            message = json.dumps({"type": "response.create", "model": CHAT_MODEL, "input": "hi", "store": False})
            turn = socket.turn(message, ends=_over, step="create")
            again = socket.turn(message, ends=_over, step="again")
    assert turn.status == 101
    assert turn.step == "create"
    assert turn.request.method == "GET"
    assert str(turn.request.url) == socket_url(base_url, "/v1/responses")
    assert turn.request.headers["authorization"] == "Bearer sk-test"
    assert turn.request.content.decode() == message
    assert turn.socket is not None
    assert turn.socket.closed is None
    assert turn.socket.truncated is None
    events = turn.events()
    assert events[0]["type"] == "response.created"
    assert events[-1]["type"] == "response.completed"
    assert turn.text.splitlines() == turn.socket.messages
    assert again.events()[-1]["type"] == "response.completed"
    assert client.breaker.hung is None


def test_an_upgrade_the_server_does_not_switch_is_returned_as_its_answer() -> None:
    with running_app(make_app()) as base_url, _client(base_url) as client:
        refused = client.open_socket("/v1/models")
    assert isinstance(refused, Exchange)
    assert refused.socket is None
    assert refused.status == 403


def test_a_silent_socket_is_a_harness_error_and_counts_as_a_miss(odd_server: str) -> None:
    with _client(odd_server) as client:
        opened = client.open_socket("/silent")
        assert isinstance(opened, Socket)
        with opened as socket, pytest.raises(HarnessError, match="no answer to create within"):
            socket.turn("{}", ends=_over, limits=SSELimits(max_seconds=0.1), step="create")
        assert client.breaker._misses == 1


def test_a_turn_that_never_ends_is_cut_at_the_stream_limits(odd_server: str) -> None:
    with _client(odd_server) as client:
        opened = client.open_socket("/chatty")
        assert isinstance(opened, Socket)
        with opened as socket:
            turn = socket.turn("{}", ends=_over, limits=SSELimits(max_events=50), step="create")
    assert turn.socket is not None
    assert turn.socket.truncated == "more than 50 messages"
    assert len(turn.socket.messages) == 50


def test_no_server_is_a_harness_error() -> None:
    with running_app(make_app()) as base_url:
        pass  # the port is free again
    with _client(base_url) as client, pytest.raises(HarnessError, match="cannot open a WebSocket"):
        client.open_socket("/v1/responses")
