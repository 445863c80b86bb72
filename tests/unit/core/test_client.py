from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from conformance.core.client import (
    ClientSettings,
    ConnectionReset,
    TargetClient,
    local_address,
    parse_header,
    validate_base_url,
)
from conformance.core.errors import HarnessError, UsageError
from tests.fakes import make_app


def _client(handler) -> TargetClient:  # type: ignore[no-untyped-def]
    return TargetClient(
        ClientSettings(base_url="http://127.0.0.1:9", api_key="sk-abcdef"), transport=httpx.MockTransport(handler)
    )


def test_a_connection_reset_on_a_pooled_connection_is_retried_once() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return httpx.Response(200, json={"ok": True})

    with _client(handler) as client:
        assert client.request("GET", "/v1/models").json() == {"ok": True}
    assert len(calls) == 2
    assert client.resets == [
        ConnectionReset(
            "GET",
            "http://127.0.0.1:9/v1/models",
            "RemoteProtocolError: Server disconnected without sending a response.",
        )
    ]


def test_in_memory_transports_do_not_name_their_connection() -> None:
    with _client(lambda request: httpx.Response(200)) as client:
        assert local_address(client.request("GET", "/v1/models")) is None


def test_a_real_connection_is_named_and_reused(serve_app: Callable[[Any], str]) -> None:
    base_url = serve_app(make_app())
    with TargetClient(ClientSettings(base_url=base_url)) as client:
        first = local_address(client.request("GET", "/v1/health"))
        second = local_address(client.request("GET", "/v1/files/file-x"))
    assert first is not None
    assert first.startswith("127.0.0.1:")
    assert second == first
    assert client.resets == []


def test_a_second_reset_is_a_harness_error_not_a_finding() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("reset")

    with _client(handler) as client, pytest.raises(HarnessError, match=r"GET http://127\.0\.0\.1:9/v1/models failed"):
        client.request("GET", "/v1/models")


@pytest.mark.parametrize(
    ("error", "message"),
    [(httpx.ConnectError("refused"), "cannot connect to http://127.0.0.1:9"), (httpx.ReadTimeout("slow"), "timed out")],
)
def test_unreachable_or_hanging_servers_are_harness_errors(error: Exception, message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    with _client(handler) as client, pytest.raises(HarnessError, match=message):
        client.request("GET", "/v1/models")


def test_api_key_becomes_a_bearer_header_and_is_redacted() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(200)

    with _client(handler) as client:
        client.request("GET", "/v1/models")
        assert client.redactor.text("key sk-abcdef") == "key <redacted>"
    assert seen == ["Bearer sk-abcdef"]


@pytest.mark.parametrize("url", ["127.0.0.1:8321", "ftp://x", "http://", "not a url"])
def test_invalid_base_urls_are_usage_errors(url: str) -> None:
    with pytest.raises(UsageError, match="--base-url"):
        validate_base_url(url)


def test_base_url_is_normalised() -> None:
    assert validate_base_url(" http://127.0.0.1:8321/ ") == "http://127.0.0.1:8321"


def test_header_parsing() -> None:
    assert parse_header("X-Org:  acme ") == ("X-Org", "acme")
    with pytest.raises(UsageError, match="Name: value"):
        parse_header("bad header: x")
