"""The guard proxy passes answers through unchanged and holds a client it does not control to the limits.

Real sockets: a small Starlette app (or a hostile server) behind the proxy, httpx and ``requests`` (as
Schemathesis sends) in front. Timing: only generous upper bounds.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import requests
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from conformance.core.guard_proxy import TAG_HEADER, GuardEvent, GuardProxy, RecordedExchange
from conformance.core.limits import HUNG_MARK, Breaker, Limits
from tests.fakes.hostile import hostile_server

GENEROUS = 20.0
MIB = 1024 * 1024
EVENTS = [b'data: {"n": 1}\n\n', b'event: delta\ndata: {"n": 2}\n\n', b"data: [DONE]\n\n"]
LIMITS = Limits(timeout_s=10.0)


class _App:
    """JSON, an event stream, a 404, a redirect and an echo of what was posted."""

    def __init__(self) -> None:
        self.posted: list[tuple[bytes, str]] = []
        self.hosts: list[str] = []
        self.first_event_read = threading.Event()
        self.streamed_before_the_end: list[bool] = []

    async def models(self, request: Request) -> JSONResponse:
        self.hosts.append(request.headers.get("host", ""))
        return JSONResponse(
            {"object": "list", "data": [{"id": "m1"}]}, headers={"X-Custom": "kept", "Set-Cookie": "a=1"}
        )

    async def stream(self, request: Request) -> StreamingResponse:
        async def events() -> AsyncIterator[bytes]:
            yield EVENTS[0]
            # The proxy passes bytes on as they come: the client reads the first event while the
            # stream is still open (a buffering proxy would leave this waiting for its 10 s).
            seen = await asyncio.to_thread(self.first_event_read.wait, 10.0)
            self.streamed_before_the_end.append(seen)
            yield EVENTS[1]
            yield EVENTS[2]

        return StreamingResponse(events(), media_type="text/event-stream", headers={"X-Stream": "yes"})

    async def missing(self, request: Request) -> JSONResponse:
        return JSONResponse({"detail": "no such thing"}, status_code=404)

    async def moved(self, request: Request) -> RedirectResponse:
        return RedirectResponse("/v1/models", status_code=302)

    async def echo(self, request: Request) -> Response:
        body = await request.body()
        self.posted.append((body, request.headers.get("content-type", "")))
        return Response(body, status_code=201, media_type="application/octet-stream")

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/models", self.models),
                Route("/v1/stream", self.stream),
                Route("/v1/missing", self.missing),
                Route("/v1/moved", self.moved),
                Route("/v1/echo", self.echo, methods=["POST"]),
            ]
        )


@pytest.fixture
def app() -> _App:
    return _App()


@pytest.fixture
def base_url(app: _App, serve_app: Callable[[Any], str]) -> str:
    """Where the app is served (the proxy's target)."""
    return serve_app(app.app())


@pytest.fixture
def guard(base_url: str) -> Iterator[GuardProxy]:
    with GuardProxy(base_url, LIMITS) as proxy:
        yield proxy


def _guard_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "conformance-guard" and t.is_alive()]


# ---------------------------------------------------------------------- passing through


@pytest.mark.parametrize("form", ["absolute", "origin"])
def test_a_json_answer_passes_through_unchanged(base_url: str, guard: GuardProxy, form: str) -> None:
    if form == "absolute":  # GET http://target/v1/models, as to a forward proxy
        client = httpx.Client(proxy=guard.url, trust_env=False, timeout=GENEROUS)
        url = f"{base_url}/v1/models"
    else:  # GET /v1/models, sent on to the target
        client = httpx.Client(base_url=guard.url, trust_env=False, timeout=GENEROUS)
        url = "/v1/models"
    with client:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json() == {"object": "list", "data": [{"id": "m1"}]}
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-custom"] == "kept"
    assert response.headers["set-cookie"] == "a=1"
    assert int(response.headers["content-length"]) == len(response.content)
    assert list(guard.events) == []  # nothing was cut


def test_requests_through_the_proxy_as_schemathesis_sends_them(base_url: str, guard: GuardProxy) -> None:
    url = f"{base_url}/v1/models"
    response = requests.get(url, proxies={"http": guard.url}, timeout=GENEROUS)
    assert response.status_code == 200
    assert response.json() == {"object": "list", "data": [{"id": "m1"}]}
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-Custom"] == "kept"
    posted = requests.post(
        f"{base_url}/v1/echo", data=b"\x00raw bytes\xff", proxies={"http": guard.url}, timeout=GENEROUS
    )
    assert (posted.status_code, posted.content) == (201, b"\x00raw bytes\xff")


def test_requests_does_go_through_the_proxy(app: _App, base_url: str) -> None:
    breaker = Breaker(Limits(hung_after=1))
    breaker.missed()
    with GuardProxy(base_url, LIMITS, breaker) as guard, pytest.raises(requests.ConnectionError):
        requests.get(f"{base_url}/v1/models", proxies={"http": guard.url}, timeout=GENEROUS)
    assert app.hosts == []  # the proxy cut it: the server never saw it


def test_an_event_stream_passes_through_as_it_arrives(app: _App, guard: GuardProxy) -> None:
    lines: list[str] = []
    with (
        httpx.Client(base_url=guard.url, trust_env=False, timeout=GENEROUS) as client,
        client.stream("GET", "/v1/stream") as response,
    ):
        raw = b""
        for chunk in response.iter_raw():
            raw += chunk
            if raw.startswith(EVENTS[0]):
                app.first_event_read.set()
        lines.extend(raw.decode().splitlines())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["x-stream"] == "yes"
    assert raw == b"".join(EVENTS)
    assert app.streamed_before_the_end == [True]


def test_an_error_answer_passes_through(guard: GuardProxy) -> None:
    with httpx.Client(base_url=guard.url, trust_env=False, timeout=GENEROUS) as client:
        response = client.get("/v1/missing")
    assert (response.status_code, response.json()) == (404, {"detail": "no such thing"})
    assert response.headers["content-type"] == "application/json"


def test_a_redirect_is_passed_through_not_followed(base_url: str, guard: GuardProxy) -> None:
    with httpx.Client(base_url=guard.url, trust_env=False, timeout=GENEROUS, follow_redirects=False) as client:
        response = client.get("/v1/moved")
    assert response.status_code == 302
    assert response.headers["location"] == "/v1/models"
    redirected = requests.get(
        f"{base_url}/v1/moved", proxies={"http": guard.url}, allow_redirects=False, timeout=GENEROUS
    )
    assert (redirected.status_code, redirected.headers["Location"]) == (302, "/v1/models")


def test_a_posted_body_arrives_intact(app: _App, guard: GuardProxy) -> None:
    payload = bytes(range(256)) * 1000
    with httpx.Client(base_url=guard.url, trust_env=False, timeout=GENEROUS) as client:
        response = client.post("/v1/echo", content=payload, headers={"Content-Type": "application/x-test"})
        chunked = client.post("/v1/echo", content=iter([b"in ", b"chunks"]))  # Transfer-Encoding: chunked
    assert (response.status_code, response.content) == (201, payload)
    assert (chunked.status_code, chunked.content) == (201, b"in chunks")
    assert app.posted[0] == (payload, "application/x-test")
    assert app.posted[1][0] == b"in chunks"


def test_keep_alive_connections_serve_many_requests(guard: GuardProxy) -> None:
    seen: list[str] = []

    def note(response: httpx.Response) -> None:
        stream = response.extensions.get("network_stream")
        address = stream.get_extra_info("client_addr") if stream is not None else None
        seen.append(f"{address}")

    with httpx.Client(
        base_url=guard.url, trust_env=False, timeout=GENEROUS, event_hooks={"response": [note]}
    ) as client:
        first = client.get("/v1/models", headers={"Connection": "keep-alive", "Keep-Alive": "timeout=5"})
        second = client.get("/v1/missing")
        third = client.post("/v1/echo", content=b"x")
    assert [first.status_code, second.status_code, third.status_code] == [200, 404, 201]
    assert len(set(seen)) == 1  # one connection to the proxy served all three


def test_a_target_that_closes_each_connection_leaves_the_client_s_connection_open() -> None:
    """``Connection: close`` is the target's hop, not the client's: the proxy keeps its own connection."""
    seen: list[str] = []

    def note(response: httpx.Response) -> None:
        seen.append(f"{response.extensions['network_stream'].get_extra_info('client_addr')}")

    with (
        hostile_server("no-keep-alive") as server,
        GuardProxy(server.base_url, LIMITS) as guard,
        httpx.Client(base_url=guard.url, trust_env=False, timeout=GENEROUS, event_hooks={"response": [note]}) as client,
    ):
        answers = [client.get("/v1/models"), client.post("/v1/things", json={}), client.get("/v1/models")]
        assert server.connections == 3
    listed, created = {"object": "list", "data": []}, {"id": "x", "object": "thing"}
    assert [a.json() for a in answers] == [listed, created, listed]
    assert all("connection" not in a.headers for a in answers)
    assert len(set(seen)) == 1


# ---------------------------------------------------------------------- limits


def test_a_body_over_the_limit_is_cut_and_explained() -> None:
    limits = Limits(timeout_s=10.0, max_body_bytes=MIB)
    with (
        hostile_server("huge-body", huge_size=50 * MIB) as server,
        GuardProxy(server.base_url, limits) as guard,
        httpx.Client(proxy=guard.url, trust_env=False, timeout=GENEROUS) as client,
    ):
        started = time.monotonic()
        with pytest.raises(httpx.TransportError):
            client.get(server.base_url + "/v1/models")
        assert time.monotonic() - started < GENEROUS
        message = guard.explain("GET /v1/models")
    assert message is not None
    assert message.startswith("GET /v1/models answered 200 with a body that declares 52428800 bytes")
    assert "over the 1 MiB limit (--max-body-bytes)" in message
    assert guard.breaker.hung is None  # a large answer is an answer


def test_a_server_that_never_answers_is_cut_at_the_deadline_and_then_deemed_hung() -> None:
    limits = Limits(timeout_s=0.5, hung_after=3)
    with hostile_server("hang-after-accept") as server, GuardProxy(server.base_url, limits) as guard:
        for count in range(1, 4):
            assert guard.breaker.hung is None
            started = time.monotonic()
            with pytest.raises(requests.ConnectionError):
                requests.get(server.base_url + "/v1/models", proxies={"http": guard.url}, timeout=GENEROUS)
            assert time.monotonic() - started < GENEROUS
            assert server.requests == count
            message = guard.explain("GET /v1/models")
            assert message == "GET /v1/models: no complete answer within the 0.5s deadline (--timeout)"
        hung = guard.breaker.hung
        assert hung is not None
        started = time.monotonic()
        with pytest.raises(requests.ConnectionError):
            requests.get(server.base_url + "/v1/models", proxies={"http": guard.url}, timeout=GENEROUS)
        assert time.monotonic() - started < GENEROUS
        assert server.requests == 3  # not sent
        message = guard.explain("GET /v1/models")
    assert message is not None
    assert message.startswith("GET /v1/models was not sent: ")
    assert message.endswith(HUNG_MARK)


def test_the_breaker_is_the_one_given_shared_with_the_run() -> None:
    breaker = Breaker(Limits(hung_after=5))
    with hostile_server("no-keep-alive") as server, GuardProxy(server.base_url, LIMITS, breaker) as guard:
        assert guard.breaker is breaker


def test_an_answered_request_resets_the_count_of_misses(base_url: str) -> None:
    breaker = Breaker(Limits(hung_after=2))
    breaker.missed()
    with GuardProxy(base_url, LIMITS, breaker) as guard:
        requests.get(f"{base_url}/v1/models", proxies={"http": guard.url}, timeout=GENEROUS)
    breaker.missed()
    assert breaker.hung is None


# ---------------------------------------------------------------------- explain and stop


def test_explain_matches_a_templated_path_one_segment_per_parameter() -> None:
    with hostile_server("no-keep-alive") as server, GuardProxy(server.base_url, LIMITS) as guard:
        guard.events.append(GuardEvent("GET", "/v1/things/abc/sub", "the sub-resource"))
        assert guard.explain("GET /v1/things/{id}") is None
        guard.events.append(GuardEvent("GET", "/v1/things/abc", "the thing"))
        guard.events.append(GuardEvent("DELETE", "/v1/things/abc", "deleting it"))
        assert guard.explain("GET /v1/things/{id}") == "the thing"
        assert guard.explain("DELETE /v1/things/{thing_id}") == "deleting it"
        assert guard.explain("GET /v1/things/{id}/sub") == "the sub-resource"
        assert guard.explain("POST /v1/things/{id}") is None
        assert guard.explain("GET /v1/things") is None
        guard.events.append(GuardEvent("GET", "/v1/things/xyz", "a later one"))
        assert guard.explain("GET /v1/things/{id}") == "a later one"  # the latest is the one


def test_the_proxy_stops_on_exit(base_url: str) -> None:
    before = len(_guard_threads())
    with GuardProxy(base_url, LIMITS) as guard:
        assert guard.url.startswith("http://127.0.0.1:")
        assert len(_guard_threads()) == before + 1
        client = httpx.Client(base_url=guard.url, trust_env=False, timeout=GENEROUS)
        assert client.get("/v1/models").status_code == 200  # a keep-alive connection stays open
    try:
        assert len(_guard_threads()) == before
        with pytest.raises(httpx.TransportError):
            client.get("/v1/models")
    finally:
        client.close()


def test_a_reused_connection_the_target_dropped_is_sent_again_on_a_fresh_one() -> None:
    """Some servers close a keep-alive connection after an error answer without saying so; the next
    request on it gets no answer. The proxy sends it again on a fresh connection, as requests does."""
    from tests.fakes.keepalive import keepalive_server

    with keepalive_server("drop-next") as url, GuardProxy(url, Limits(timeout_s=10)) as proxy:
        with httpx.Client(proxy=proxy.url, timeout=20) as client:
            statuses = [client.get(f"{url}/v1/missing-{n}").status_code for n in range(3)]
        assert statuses == [404, 404, 404]
        assert not proxy.events


# ---------------------------------------------------------------------- recording


def test_a_recording_proxy_keeps_each_exchange_and_does_not_forward_the_tag(app: _App, base_url: str) -> None:
    """``record=True``: method, URL, headers, status and bodies of every exchange relayed (an event stream
    as received); the tag header names whose request it was and is not sent on."""
    with (
        GuardProxy(base_url, LIMITS, record=True) as proxy,
        httpx.Client(base_url=proxy.url, trust_env=False, timeout=GENEROUS) as client,
    ):
        client.post("/v1/echo", content=b'{"a": 1}', headers={TAG_HEADER: "flow-a", "Content-Type": "text/plain"})
        app.first_event_read.set()
        client.get("/v1/stream", headers={TAG_HEADER: "flow-b"})
        client.get("/v1/models")
    echo, stream, models = proxy.exchanges
    assert (echo.tag, echo.method, echo.path, echo.status) == ("flow-a", "POST", "/v1/echo", 201)
    assert echo.url == f"{base_url}/v1/echo"
    assert echo.request_body == b'{"a": 1}'
    assert echo.response_body == b'{"a": 1}'
    assert TAG_HEADER not in {name.lower() for name, _ in echo.request_headers}
    assert app.posted == [(b'{"a": 1}', "text/plain")]
    assert (stream.tag, stream.status, stream.response_text()) == ("flow-b", 200, b"".join(EVENTS).decode())
    assert stream.response_size == len(b"".join(EVENTS))
    assert ("x-stream", "yes") in {(n.lower(), v) for n, v in stream.response_headers}
    assert (models.tag, models.status) == (None, 200)


def test_a_proxy_that_does_not_record_keeps_nothing(guard: GuardProxy) -> None:
    with httpx.Client(base_url=guard.url, trust_env=False, timeout=GENEROUS) as client:
        assert client.get("/v1/models", headers={TAG_HEADER: "x"}).status_code == 200
    assert guard.exchanges == []


def test_a_recorded_gzip_body_reads_as_text() -> None:
    import gzip

    recorded = RecordedExchange(
        method="GET",
        url="http://t/v1/models",
        request_headers=(),
        request_body=b"",
        status=200,
        response_headers=(("Content-Encoding", "gzip"),),
        response_body=gzip.compress(b'{"data": []}'),
        response_size=30,
    )
    assert recorded.response_text() == '{"data": []}'
