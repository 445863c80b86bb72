"""conformance/checks/sse.py: rules every stream follows."""

from __future__ import annotations

from conformance.checks import sse
from conformance.checks.context import StreamContext
from conformance.core.results import Status
from tests.fakes.contexts import stream_of
from tests.fakes.expect import assert_fires_alone, cases_of


def test_a_failed_streaming_request_skips_every_other_rule_of_that_stream() -> None:
    cases = assert_fires_alone("sse-http-status")
    others = [c for c in cases if c.id.startswith("streaming/responses/text/") and not c.id.endswith("/http-status")]
    assert others
    assert {c.status for c in others} == {Status.SKIP}
    assert all("HTTP 500" in (c.reason or "") for c in others)


def test_a_cut_off_stream_skips_the_rules_about_its_end() -> None:
    cases = assert_fires_alone("sse-stream-ends")
    # The SSE stream's cases (the WebSocket turns of the same rule are not cut off and pass).
    terminal = [
        c for c in cases_of(cases, "responses-stream-terminal-event") if c.id.startswith("streaming/responses/")
    ]
    assert terminal
    assert all(c.status is Status.SKIP and "cut off" in (c.reason or "") for c in terminal)


def test_json_data_names_the_event_that_is_not_an_object() -> None:
    exchange, stream = stream_of({"ok": 1}, "[DONE]", "[1, 2]")
    assert list(sse.json_data(StreamContext(exchange=exchange, stream=stream))) == [
        "event 2 is JSON but not an object: '[1, 2]'"
    ]


def test_http_status_names_the_status_and_the_servers_message() -> None:
    from conformance.core.http_exchange import Exchange
    from conformance.core.sse import SSEStream
    from tests.fakes.contexts import exchange

    failed: Exchange = exchange(400, {"error": {"message": "Model 'x' not found"}}, method="POST")
    ctx = StreamContext(exchange=failed, stream=SSEStream(content_type="application/json"))
    assert list(sse.http_status(ctx)) == [
        "HTTP 400 Bad Request: Model 'x' not found (expected HTTP 200 with an event stream)"
    ]
