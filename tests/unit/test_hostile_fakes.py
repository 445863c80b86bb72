"""The hostile servers of ``tests/fakes/hostile.py`` do what they say, on real sockets, and stop on exit.

Timing: only generous bounds (a busy machine makes things slower, never faster): lower bounds where the
server waits on purpose, and the 2 s the brief allows for stopping.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import get_args

import httpx
import pytest

from tests.fakes.hostile import DESCRIPTIONS, HOSTILITIES, HostileServer, Hostility, hostile_server

QUICK = httpx.Timeout(5.0)
HANG = httpx.Timeout(5.0, read=0.5)
RESET_ERRORS = (httpx.ReadError, httpx.RemoteProtocolError)


def _connect(server: HostileServer) -> socket.socket:
    host, _, port = server.base_url.removeprefix("http://").partition(":")
    return socket.create_connection((host, int(port)), timeout=5.0)


def _read_until_closed(sock: socket.socket) -> bytes:
    """Everything until the server's end (a reset counts as the end)."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    return data


def _hostile_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("hostile-")]


# ---------------------------------------------------------------------- the catalogue


def test_the_modes_are_listed_in_order_each_with_a_description() -> None:
    assert get_args(Hostility) == HOSTILITIES
    assert HOSTILITIES[:4] == ("hang-after-accept", "drip", "reset-mid-body", "reset-mid-stream")
    assert HOSTILITIES[-1] == "hang-after-version"
    assert list(DESCRIPTIONS) == list(HOSTILITIES)
    assert all(text and "\n" not in text for text in DESCRIPTIONS.values())


def test_an_unknown_mode_or_a_huge_size_too_small_for_a_document_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown hostility"):
        HostileServer("polite")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="huge_size"):
        HostileServer("huge-body", huge_size=3)


def test_the_server_reads_as_its_base_url() -> None:
    with hostile_server("html-200") as server:
        assert str(server) == server.base_url
        assert server.base_url.startswith("http://127.0.0.1:")
        assert (server.requests, server.received, server.connections) == (0, [], 0)


# ---------------------------------------------------------------------- hangs


@pytest.mark.parametrize("answer_probes", [False, True])
def test_hang_after_accept_never_answers_not_even_the_probes(answer_probes: bool) -> None:
    with hostile_server("hang-after-accept", answer_probes=answer_probes) as server:
        for path in ("/v1/version", "/v1/models"):
            with pytest.raises(httpx.ReadTimeout):
                httpx.get(server.base_url + path, timeout=HANG)
        assert server.received == [("GET", "/v1/version"), ("GET", "/v1/models")]


def test_hang_after_version_answers_the_probes_on_one_connection_and_nothing_else() -> None:
    with hostile_server("hang-after-version") as server, httpx.Client(base_url=server.base_url, timeout=HANG) as client:
        version = client.get("/v1/version")
        health = client.get("/v1/health")
        assert (version.status_code, version.json()) == (200, {"version": "1.5.0"})
        assert (health.status_code, health.json()) == (200, {"status": "OK"})
        assert version.headers["content-type"] == "application/json"
        assert server.connections == 1
        with pytest.raises(httpx.ReadTimeout):
            client.get("/v1/models")
        with pytest.raises(httpx.ReadTimeout):
            client.post("/v1/version", json={})
        assert server.requests == 4


# ---------------------------------------------------------------------- drip


def test_drip_sends_headers_then_one_json_byte_per_interval() -> None:
    interval = 0.05
    with (
        hostile_server("drip", drip_interval=interval) as server,
        httpx.stream("GET", server.base_url + "/v1/models", timeout=QUICK) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert "content-length" not in response.headers
        started = time.monotonic()
        body = b""
        for chunk in response.iter_raw():
            body += chunk
            if len(body) >= 10:
                break
        elapsed = time.monotonic() - started
    assert b'{"object":"list","data":[{"id":"x"'.startswith(body[:10])
    assert elapsed >= 8 * interval  # the server waits one interval before each byte


# ---------------------------------------------------------------------- resets


def _stream(url: str, heads: list[httpx.Headers], lines: list[str]) -> None:
    """GET ``url`` streamed to the end, noting the headers and the lines seen before any error."""
    with httpx.stream("GET", url, timeout=QUICK) as response:
        heads.append(response.headers)
        lines.extend(response.iter_lines())


def test_reset_mid_body_announces_100000_bytes_sends_10_and_resets() -> None:
    with hostile_server("reset-mid-body") as server:
        heads: list[httpx.Headers] = []
        with pytest.raises(RESET_ERRORS):  # the reset may come before or after the headers are read
            _stream(server.base_url + "/v1/models", heads, [])
        assert [head["content-length"] for head in heads] in ([], ["100000"])
        sock = _connect(server)
        sock.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n")
        with sock:
            received = b""
            with pytest.raises(ConnectionResetError):  # noqa: PT012
                while chunk := sock.recv(65536):
                    received += chunk
        assert len(received.partition(b"\r\n\r\n")[2]) <= 10


def test_reset_mid_stream_sends_two_events_then_resets() -> None:
    with hostile_server("reset-mid-stream") as server:
        heads: list[httpx.Headers] = []
        lines: list[str] = []
        with pytest.raises(RESET_ERRORS):
            _stream(server.base_url + "/v1/responses", heads, lines)
        assert [head["content-type"] for head in heads] in ([], ["text/event-stream"])
        assert [line for line in lines if line] in ([], ['data: {"type":"x"}'], ['data: {"type":"x"}'] * 2)


# ---------------------------------------------------------------------- invalid bodies


def test_invalid_json_is_truncated_json_with_a_correct_content_length() -> None:
    with hostile_server("invalid-json") as server:
        response = httpx.get(server.base_url + "/v1/models", timeout=QUICK)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.content == b'{"object": "list", "data": ['
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_invalid_utf8_has_bytes_that_do_not_decode_inside_a_string() -> None:
    with hostile_server("invalid-utf8") as server:
        response = httpx.get(server.base_url + "/v1/models", timeout=QUICK)
    assert (response.status_code, response.headers["content-type"]) == (200, "application/json")
    assert b'"x":"\xff\xfe"' in response.content
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")
    with pytest.raises(ValueError, match="codec can't decode"):
        json.loads(response.content)


@pytest.mark.parametrize(
    ("mode", "bad"),
    [("invalid-json-sse", json.JSONDecodeError), ("invalid-utf8-sse", UnicodeDecodeError)],
)
def test_invalid_sse_streams_send_bad_events_then_end_cleanly(mode: Hostility, bad: type[Exception]) -> None:
    with hostile_server(mode) as server, httpx.Client(base_url=server.base_url, timeout=QUICK) as client:
        for _ in range(2):  # a clean end: the connection serves the next stream
            with client.stream("POST", "/v1/chat/completions", json={"stream": True}) as response:
                assert response.headers["content-type"] == "text/event-stream"
                body = response.read()
            events = [event for event in body.split(b"\n\n") if event]
            assert len(events) == 2
            for event in events:
                assert event.startswith(b"data: ")
                with pytest.raises(bad):
                    json.loads(event.removeprefix(b"data: ").decode("utf-8"))
        assert server.connections == 1


# ---------------------------------------------------------------------- huge body


def test_huge_body_streams_a_valid_json_document_of_the_announced_size() -> None:
    size = 5 * 1024 * 1024
    with (
        hostile_server("huge-body", huge_size=size) as server,
        httpx.stream("GET", server.base_url + "/v1/models", timeout=QUICK) as response,
    ):
        assert response.headers["content-type"] == "application/json"
        assert int(response.headers["content-length"]) == size
        body = b"".join(response.iter_raw())
    assert len(body) == size
    document = json.loads(body)
    assert document["object"] == "list"
    assert len(document["data"]) > 100_000
    assert document["data"][0] == {"id": "x", "object": "model"}


@pytest.mark.parametrize("size", [29, 1000, 65536 * 2 + 7])
def test_huge_body_is_exactly_huge_size_bytes_of_json(size: int) -> None:
    with hostile_server("huge-body", huge_size=size) as server, httpx.Client(timeout=QUICK) as client:
        for _ in range(2):  # with Content-Length the connection is kept
            response = client.get(server.base_url + "/v1/models")
            assert len(response.content) == size == int(response.headers["content-length"])
            assert response.json()["object"] == "list"
        assert server.connections == 1


# ---------------------------------------------------------------------- endless stream


def _events(response: httpx.Response, count: int) -> Iterator[dict[str, object]]:
    for line in response.iter_lines():
        if line.startswith("data: "):
            yield json.loads(line.removeprefix("data: "))
            count -= 1
            if not count:
                return


def test_endless_sse_sends_valid_chunks_until_the_client_leaves() -> None:
    with hostile_server("endless-sse", sse_interval=0.001) as server:
        for _ in range(2):  # the client leaving does not end the server
            with httpx.stream("POST", server.base_url + "/v1/chat/completions", timeout=QUICK) as response:
                assert response.headers["content-type"] == "text/event-stream"
                events = list(_events(response, 50))
            assert len(events) == 50
            assert all(event["object"] == "chat.completion.chunk" for event in events)


# ---------------------------------------------------------------------- fixed answers


@pytest.mark.parametrize(
    ("mode", "status", "html"),
    [
        ("html-200", 200, b"<html><body>hello</body></html>"),
        ("html-500", 500, b"<html><body>Internal Server Error</body></html>"),
    ],
)
def test_html_answers_every_request_on_a_kept_connection(mode: Hostility, status: int, html: bytes) -> None:
    with hostile_server(mode) as server, httpx.Client(base_url=server.base_url, timeout=QUICK) as client:
        for response in (client.get("/v1/version"), client.post("/v1/chat/completions", json={"model": "m"})):
            assert (response.status_code, response.headers["content-type"], response.content) == (
                status,
                "text/html",
                html,
            )
        assert server.connections == 1
        assert server.received == [("GET", "/v1/version"), ("POST", "/v1/chat/completions")]


def test_redirect_loop_points_at_the_same_url_and_is_counted() -> None:
    with hostile_server("redirect-loop") as server, httpx.Client(timeout=QUICK) as client:
        response = client.get(server.base_url + "/v1/models?limit=2")
        assert response.status_code == 302
        assert response.headers["location"] == server.base_url + "/v1/models?limit=2"
        with (
            httpx.Client(timeout=QUICK, follow_redirects=True, max_redirects=3) as following,
            pytest.raises(httpx.TooManyRedirects),
        ):
            following.get(server.base_url + "/v1/models")
        assert server.requests == 1 + 4


def test_no_keep_alive_answers_json_and_closes_after_each_answer() -> None:
    with hostile_server("no-keep-alive") as server:
        with httpx.Client(base_url=server.base_url, timeout=QUICK) as client:
            listed = client.get("/v1/models")
            created = client.post("/v1/files", json={"purpose": "x"})
        assert (listed.status_code, listed.json()) == (200, {"object": "list", "data": []})
        assert (created.status_code, created.json()) == (200, {"id": "x", "object": "thing"})
        assert listed.headers["connection"] == created.headers["connection"] == "close"
        assert server.connections == 2

        with _connect(server) as sock:  # two pipelined requests: the second is not served
            sock.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n" * 2)
            received = _read_until_closed(sock)
        assert received.count(b"HTTP/1.1 200 OK") == 1
        assert received.endswith(b'{"object": "list", "data": []}')


# ---------------------------------------------------------------------- probes


@pytest.mark.parametrize("mode", [mode for mode in HOSTILITIES if mode != "hang-after-accept"])
def test_answer_probes_makes_every_mode_but_hang_after_accept_answer_version_and_health(mode: Hostility) -> None:
    with hostile_server(mode, answer_probes=True) as server, httpx.Client(base_url=server.base_url, timeout=QUICK) as c:
        assert c.get("/v1/version").json() == {"version": "1.5.0"}
        assert c.get("/v1/health").json() == {"status": "OK"}
        assert server.received == [("GET", "/v1/version"), ("GET", "/v1/health")]


@pytest.mark.parametrize(
    "mode", ["invalid-json", "invalid-utf8", "huge-body", "html-200", "redirect-loop", "no-keep-alive", "html-500"]
)
def test_without_answer_probes_the_version_probe_misbehaves_too(mode: Hostility) -> None:
    with hostile_server(mode, huge_size=1000) as server:
        response = httpx.get(server.base_url + "/v1/version", timeout=QUICK)
    assert response.content != b'{"version": "1.5.0"}'


# ---------------------------------------------------------------------- reading requests


def test_an_absolute_form_target_as_sent_to_a_proxy_counts_by_its_path() -> None:
    with hostile_server("hang-after-version") as server:
        with httpx.Client(proxy=server.base_url, timeout=QUICK) as client:
            response = client.get("http://upstream.invalid/v1/version")
        assert response.json() == {"version": "1.5.0"}
        assert server.received == [("GET", "/v1/version")]
    with hostile_server("redirect-loop") as server, _connect(server) as sock:
        sock.sendall(
            f"GET {server.base_url}/v1/models?after=a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
        )
        head = _read_until_closed(sock).decode("latin-1")
        assert f"\r\nLocation: {server.base_url}/v1/models?after=a\r\n" in head
        assert server.received == [("GET", "/v1/models")]


def test_request_bodies_chunked_or_not_are_consumed_so_the_connection_serves_the_next() -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"model":'
        yield b'"m"}'

    with hostile_server("html-200") as server, httpx.Client(base_url=server.base_url, timeout=QUICK) as client:
        assert client.post("/v1/files", content=chunks()).status_code == 200  # Transfer-Encoding: chunked
        assert client.post("/v1/files", json={"x": "y" * 100_000}).status_code == 200
        assert client.get("/v1/models").status_code == 200
        assert (server.requests, server.connections) == (3, 1)


def test_garbage_instead_of_a_request_closes_the_connection_and_the_server_goes_on() -> None:
    with hostile_server("html-200") as server:
        with _connect(server) as sock:
            sock.sendall(b"\x16\x03\x01 not http at all\r\n\r\n")
            assert _read_until_closed(sock) == b""
        assert httpx.get(server.base_url + "/v1/models", timeout=QUICK).status_code == 200


def test_connections_are_served_concurrently() -> None:
    with hostile_server("hang-after-version") as server, _connect(server) as hung:
        hung.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n")
        assert httpx.get(server.base_url + "/v1/health", timeout=QUICK).json() == {"status": "OK"}
        assert server.connections == 2


# ---------------------------------------------------------------------- stopping


@pytest.mark.parametrize(
    ("mode", "request_line"),
    [
        ("hang-after-accept", b"GET /v1/models HTTP/1.1\r\n\r\n"),
        ("hang-after-accept", b""),
        ("hang-after-version", b"GET /v1/models HTTP/1.1\r\n\r\n"),
        ("hang-after-version", b"GET /v1/mod"),  # mid-request
        ("drip", b"GET /v1/models HTTP/1.1\r\n\r\n"),
        ("endless-sse", b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"),
        ("huge-body", b"GET /v1/models HTTP/1.1\r\n\r\n"),  # the client does not read: the server is stuck sending
        ("html-200", b"GET /v1/models HTTP/1.1\r\n\r\n"),  # an idle kept connection
        ("no-keep-alive", b"GET /v1/models HTTP/1.1\r\n\r\n"),
    ],
)
def test_the_server_stops_within_2_s_with_a_client_mid_answer(mode: Hostility, request_line: bytes) -> None:
    with hostile_server(mode, drip_interval=0.05) as server:
        sock = _connect(server)
        sock.sendall(request_line)
        if mode in ("drip", "endless-sse"):
            assert sock.recv(1)  # mid-answer
        while server.connections < 1:
            time.sleep(0.01)
        started = time.monotonic()
    stopped_in = time.monotonic() - started
    with sock:
        sock.settimeout(10.0)
        if mode != "huge-body":  # its client would first read the megabytes in flight
            _read_until_closed(sock)  # the server's end reached the client: no hang on this side either
    assert stopped_in < 2.0
    assert _hostile_threads() == []


def test_a_server_stopped_by_an_exception_in_the_block_stops_all_the_same() -> None:
    servers: list[HostileServer] = []

    def fail_inside() -> None:
        with hostile_server("drip") as server, _connect(server):
            servers.append(server)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fail_inside()
    assert _hostile_threads() == []
    with pytest.raises(httpx.ConnectError):
        httpx.get(servers[0].base_url, timeout=QUICK)
