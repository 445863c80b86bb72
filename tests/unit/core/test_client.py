from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from conformance.core.client import (
    ClientSettings,
    ConnectionReset,
    ResponseTooLargeError,
    TargetClient,
    check_api_key,
    local_address,
    parse_header,
    validate_base_url,
)
from conformance.core.errors import HarnessError, UsageError
from conformance.core.limits import HUNG_MARK, Breaker, Limits
from conformance.core.sse import SSELimits
from tests.fakes import make_app
from tests.fakes.hostile import hostile_server
from tests.fakes.transport import BrokenStream


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
    [
        (httpx.ConnectError("refused"), "cannot connect to http://127.0.0.1:9"),
        (httpx.ReadTimeout("slow"), "did not arrive within the 60s deadline"),
    ],
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


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "X-Token: s3cr\u00e9t",
            "--header X-Token: the value is not ASCII (HTTP header values are; percent-encode or base64 it)",
        ),
        ("X-Token: s3cret\r\nX-Evil: 1", "--header X-Token: the value holds a line break or another control character"),
    ],
)
def test_a_header_value_that_cannot_be_sent_is_a_usage_error_that_does_not_echo_it(raw: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_header(raw)
    assert raised.value.message == message


def test_an_api_key_with_a_line_break_is_a_usage_error_that_does_not_echo_it() -> None:
    with pytest.raises(UsageError) as raised:
        check_api_key("sk-secret\n")
    assert raised.value.message == "--api-key: the key holds a line break or another control character"
    assert check_api_key("sk-fine") == "sk-fine"


def test_credentials_in_the_base_url_are_refused_without_being_echoed() -> None:
    with pytest.raises(UsageError) as raised:
        validate_base_url("http://admin:hunter2@127.0.0.1:8321")
    assert "hunter2" not in raised.value.message
    assert raised.value.message.startswith("--base-url 'http://<redacted>@127.0.0.1:8321' carries credentials")


SSE = 'data: {"type": "response.created"}\n\ndata: [DONE]\n\n'


def test_a_plain_request_and_a_stream_go_through_the_one_exchange_path() -> None:
    sent: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append((request.method, request.url.path))
        if request.url.path == "/v1/stream":
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=iter([SSE.encode()]))
        return httpx.Response(200, json={"id": "x"})

    with _client(handler) as client:
        plain = client.exchange(client.build("GET", "/v1/things"), step="get")
        streamed = client.exchange(client.build("POST", "/v1/stream"), stream=True, step="stream")
        assert client.request("GET", "/v1/models").json() == {"id": "x"}  # request() is the same path
    assert sent == [("GET", "/v1/things"), ("POST", "/v1/stream"), ("GET", "/v1/models")]
    assert (plain.step, plain.status, plain.json(), plain.stream) == ("get", 200, {"id": "x"}, None)
    assert (streamed.step, streamed.status, streamed.text) == ("stream", 200, SSE)
    assert streamed.stream is not None
    assert streamed.events() == [{"type": "response.created"}]
    assert streamed.response is not None
    assert streamed.response.is_closed


def test_a_stream_is_read_within_its_limits() -> None:
    many = "".join(f'data: {{"n": {n}}}\n\n' for n in range(10))

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=iter([many.encode()]))

    with _client(handler) as client:
        streamed = client.exchange(client.build("GET", "/v1/s"), stream=True, limits=SSELimits(max_events=3))
    assert streamed.stream is not None
    assert streamed.events() == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert streamed.stream.truncated == "more than 3 events"


def test_a_stream_refused_with_an_error_is_read_whole_with_an_empty_stream() -> None:
    with _client(lambda request: httpx.Response(404, json={"detail": "no model"})) as client:
        refused = client.exchange(client.build("POST", "/v1/responses"), stream=True)
    assert (refused.status, refused.json(), refused.events()) == (404, {"detail": "no model"}, [])
    assert refused.stream is not None
    assert refused.stream.content_type == "application/json"


def test_a_connection_lost_mid_stream_is_a_harness_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=BrokenStream())

    with _client(handler) as client, pytest.raises(HarnessError, match="the stream broke: RemoteProtocolError"):
        client.exchange(client.build("POST", "/v1/responses"), stream=True)


def test_a_reset_stream_request_is_retried_like_any_other() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ReadError("reset")
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=SSE.encode())

    with _client(handler) as client:
        streamed = client.exchange(client.build("POST", "/v1/stream"), stream=True)
    assert streamed.text == SSE
    assert [r.error for r in client.resets] == ["ReadError: reset"]


# ---------------------------------------------------------------------- limits

KIB = 1024
MIB = 1024 * KIB


def _limited(handler, limits: Limits, breaker: Breaker | None = None) -> TargetClient:  # type: ignore[no-untyped-def]
    return TargetClient(
        ClientSettings(base_url="http://127.0.0.1:9", limits=limits),
        transport=httpx.MockTransport(handler),
        breaker=breaker,
    )


class _CountedChunks:
    """A body of ``count`` chunks of ``size`` bytes, made as they are pulled; ``pulled`` counts them."""

    def __init__(self, count: int = 1000, size: int = 64 * KIB) -> None:
        self.count = count
        self.size = size
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.count):
            self.pulled += 1
            yield b" " * self.size


class _Stream(httpx.SyncByteStream):
    def __init__(self, chunks: _CountedChunks) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks


def test_a_body_that_declares_more_than_the_limit_is_refused_unread() -> None:
    body = _CountedChunks(count=40, size=64 * KIB)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": str(40 * 64 * KIB)}, stream=_Stream(body))

    with _limited(handler, Limits(max_body_bytes=MIB)) as client, pytest.raises(ResponseTooLargeError) as raised:
        client.request("GET", "/v1/models")
    message = raised.value.message
    assert message.startswith("GET http://127.0.0.1:9/v1/models answered 200 with a body that declares 2621440 bytes")
    assert "over the 1 MiB limit (--max-body-bytes); it was not read further" in message
    assert body.pulled == 0
    assert isinstance(raised.value, HarnessError)  # exit 3: the harness could not judge, never a fail


def test_a_chunked_body_is_cut_as_soon_as_it_passes_the_limit() -> None:
    body = _CountedChunks()  # 1000 x 64 KiB = 62.5 MiB, never declared

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "application/json"}, stream=_Stream(body))

    with _limited(handler, Limits(max_body_bytes=MIB)) as client, pytest.raises(ResponseTooLargeError) as raised:
        client.exchange(client.build("GET", "/v1/models"))
    assert "with a body that passed 1048576 bytes, over the 1 MiB limit (--max-body-bytes)" in raised.value.message
    assert body.pulled < 100  # 17 are enough to pass 1 MiB; not the whole 62.5 MiB


def test_the_limit_is_on_the_decoded_body() -> None:
    bomb = gzip.compress(b"0" * (8 * MIB))  # a few KB on the wire

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-encoding": "gzip", "content-type": "application/json"}, content=bomb
        )

    with _limited(handler, Limits(max_body_bytes=MIB)) as client, pytest.raises(ResponseTooLargeError, match="passed"):
        client.request("GET", "/v1/models")


@pytest.mark.parametrize("declared", [True, False])
def test_a_body_within_the_limit_reads_normally(declared: bool) -> None:
    payload = {"object": "list", "data": [{"id": "m" * 100}] * 9}
    raw = json.dumps(payload).encode()
    limit = len(raw)  # exactly at the limit is within it

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json"}
        if declared:
            return httpx.Response(200, headers=headers, content=raw)
        return httpx.Response(200, headers=headers, content=iter([raw[:100], raw[100:]]))

    with _limited(handler, Limits(max_body_bytes=limit)) as client:
        exchange = client.exchange(client.build("GET", "/v1/models"))
        response = client.request("GET", "/v1/models")
    assert exchange.json() == payload
    assert exchange.text == raw.decode()
    assert response.json() == payload
    assert response.text == raw.decode()
    assert response.content == raw
    assert client.breaker.hung is None


def test_a_hung_server_gets_no_request() -> None:
    calls: list[httpx.Request] = []
    breaker = Breaker(Limits(hung_after=1))
    breaker.missed()

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200)

    with _limited(handler, Limits(hung_after=1), breaker) as client, pytest.raises(HarnessError) as raised:
        client.exchange(client.build("GET", "/v1/models"))
    assert calls == []
    assert client.breaker is breaker  # shared with the rest of the run
    assert raised.value.message.startswith("GET http://127.0.0.1:9/v1/models was not sent: the server gave no")
    assert raised.value.message.endswith(HUNG_MARK)


def test_errors_that_are_not_a_missed_deadline_never_deem_the_server_hung() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/refused":
            raise httpx.ConnectError("refused")
        raise httpx.ReadTimeout("a read timeout, well before the deadline")

    with _limited(handler, Limits(hung_after=2)) as client:
        for path in ["/v1/refused", "/v1/slow"] * 3:
            with pytest.raises(HarnessError):
                client.request("GET", path)
        assert client.breaker.hung is None


def test_requests_that_miss_their_deadline_deem_the_server_hung() -> None:
    limits = Limits(timeout_s=0.5, hung_after=3)
    with (
        hostile_server("hang-after-accept") as server,
        TargetClient(ClientSettings(server.base_url, limits=limits)) as client,
    ):
        started = time.monotonic()
        for count in range(1, 4):
            assert client.breaker.hung is None
            with pytest.raises(HarnessError, match=r"did not arrive within the 0\.5s deadline \(--timeout\)"):
                client.request("GET", "/v1/models")
            assert server.requests == count
        assert time.monotonic() - started < 20
        hung = client.breaker.hung
        assert hung is not None
        assert "3 requests in a row within the 0.5s deadline (--timeout)" in hung
        with pytest.raises(HarnessError, match="was not sent"):
            client.request("GET", "/v1/models")
        assert server.requests == 3  # the fourth was not sent


def test_an_answer_between_missed_deadlines_keeps_the_server_from_being_deemed_hung() -> None:
    limits = Limits(timeout_s=0.5, hung_after=2)
    with (
        hostile_server("hang-after-version") as server,
        TargetClient(ClientSettings(server.base_url, limits=limits)) as client,
    ):
        for _ in range(3):
            with pytest.raises(HarnessError, match="deadline"):
                client.request("GET", "/v1/models")
            assert client.request("GET", "/v1/version").json() == {"version": "1.5.0"}
        assert client.breaker.hung is None


def test_an_endless_stream_is_cut_by_its_own_seconds_and_judged_not_an_error() -> None:
    """Events keep coming: reading stops after the stream's seconds and says so (the streaming checks
    then find "the stream did not end"); the request's deadline does not turn it into an error."""
    with hostile_server("endless-sse") as server:
        client = TargetClient(ClientSettings(base_url=server.base_url, limits=Limits(timeout_s=1.0)))
        with client:
            exchange = client.exchange(client.build("POST", "/v1/chat/completions", json={}), stream=True)
    assert exchange.stream is not None
    assert exchange.stream.truncated == "longer than 1 seconds"
    assert len(exchange.stream.events) > 1
    assert client.breaker.hung is None


def test_a_server_whose_every_stream_goes_on_is_deemed_hung() -> None:
    """An endless stream is judged, and still no complete answer in time: three in a row trip the breaker.
    (A 1 s deadline leaves the stream 1 s of slack: only a pause that long would make it a deadline error.)"""
    with hostile_server("endless-sse") as server:
        client = TargetClient(ClientSettings(base_url=server.base_url, limits=Limits(timeout_s=1.0)))
        with client:
            for _ in range(3):
                exchange = client.exchange(client.build("POST", "/v1/chat/completions", json={}), stream=True)
                assert exchange.stream is not None
                assert exchange.stream.out_of_time
    assert client.breaker.hung is not None
