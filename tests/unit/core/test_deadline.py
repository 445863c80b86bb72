"""A request's wall-clock deadline, over every socket operation of httpx's pool, against real sockets.

Timing: only generous upper bounds (the machine may be busy); a hostile server that never ends would
hang a test that the deadline did not end, so each is closed after a safety net of 40 s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conformance.core.deadline import DeadlineExceeded, deadline, deadline_passed, deadline_transport
from tests.fakes.hostile import HostileServer, Hostility, hostile_server

GENEROUS = 20.0
SAFETY_NET = 40.0


@contextmanager
def _hostile(mode: Hostility, **kwargs: Any) -> Iterator[HostileServer]:
    """A hostile server that is closed after :data:`SAFETY_NET` seconds whatever happens, so that a
    broken deadline fails the test (a closed connection, a late end) instead of hanging it."""
    with hostile_server(mode, **kwargs) as server:
        timer = threading.Timer(SAFETY_NET, server.close)
        timer.start()
        try:
            yield server
        finally:
            timer.cancel()


def _client(timeout: float = 10.0) -> httpx.Client:
    return httpx.Client(transport=deadline_transport(), timeout=timeout)


def test_a_drip_that_never_ends_is_cut_by_the_deadline_though_no_read_waits_long() -> None:
    """Each byte comes within 0.05 s, so the 10 s read timeout alone would never fire."""
    with _hostile("drip", drip_interval=0.05) as server, _client() as client:
        started = time.monotonic()
        with pytest.raises(httpx.TimeoutException), deadline(1.0):
            client.get(server.base_url + "/v1/models")  # reads the whole body
        elapsed = time.monotonic() - started
    assert elapsed < GENEROUS


def test_the_deadline_covers_a_body_read_incrementally_inside_the_block() -> None:
    with _hostile("drip", drip_interval=0.05) as server, _client() as client:
        received = b""
        started = time.monotonic()
        with (  # noqa: PT012
            pytest.raises(httpx.ReadTimeout),
            deadline(1.0),
            client.stream("GET", server.base_url + "/v1/models") as response,
        ):
            assert response.status_code == 200
            for chunk in response.iter_raw():
                received += chunk
        elapsed = time.monotonic() - started
    assert received.startswith(b'{"o')  # bytes arrived before the deadline ended the read
    assert elapsed < GENEROUS


def test_a_server_that_never_answers_ends_by_the_deadline_not_the_longer_read_timeout() -> None:
    with _hostile("hang-after-accept") as server, _client(timeout=60.0) as client:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout), deadline(0.5):
            client.get(server.base_url + "/v1/models")
        elapsed = time.monotonic() - started
        assert server.received == [("GET", "/v1/models")]
    assert elapsed < GENEROUS


def test_a_passed_deadline_fails_the_next_socket_operation_at_once_as_a_read_timeout() -> None:
    assert issubclass(DeadlineExceeded, httpcore.ReadTimeout)  # httpx maps it to its own ReadTimeout
    with _hostile("no-keep-alive") as server, _client() as client:
        with pytest.raises(httpx.ReadTimeout, match="the request's deadline passed"), deadline(0.0):
            client.get(server.base_url + "/v1/models")
        assert server.requests == 0  # the connection was not even opened


def test_a_normal_server_answers_through_the_transport_with_and_without_a_deadline() -> None:
    with _hostile("no-keep-alive") as server, _client() as client:
        plain = client.get(server.base_url + "/v1/models")
        with deadline(10.0):
            bounded = client.post(server.base_url + "/v1/things", json={"a": 1})
    assert (plain.status_code, plain.json()) == (200, {"object": "list", "data": []})
    assert (bounded.status_code, bounded.json()) == (200, {"id": "x", "object": "thing"})
    assert server.received == [("GET", "/v1/models"), ("POST", "/v1/things")]


def test_keep_alive_works_and_a_later_request_gets_its_own_deadline(serve_app: Callable[[Any], str]) -> None:
    async def hello(request: Request) -> JSONResponse:
        return JSONResponse({"hello": request.query_params.get("n")})

    base_url = serve_app(Starlette(routes=[Route("/hello", hello)]))
    with _client() as client:
        with deadline(0.5):
            first = client.get(base_url + "/hello", params={"n": "1"})
        time.sleep(0.6)  # the first deadline has passed; it must not linger on the pooled connection
        with deadline(10.0):
            second = client.get(base_url + "/hello", params={"n": "2"})
        third = client.get(base_url + "/hello", params={"n": "3"})  # no deadline at all
    assert [r.json() for r in (first, second, third)] == [{"hello": "1"}, {"hello": "2"}, {"hello": "3"}]


def test_the_block_yields_its_monotonic_deadline_and_the_deadline_is_restored_after() -> None:
    before = time.monotonic()
    with deadline(5.0) as at:
        assert before + 5.0 <= at < time.monotonic() + 5.0 + 1e-6
        assert not deadline_passed(at)
        with deadline(0.0) as inner:
            assert deadline_passed(inner)
    assert deadline_passed(before)
