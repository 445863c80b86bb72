"""The errors suite's follow-up request over a real socket: does the connection survive an error answer?"""

from __future__ import annotations

import pytest

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.results import CaseResult, Status
from conformance.runner.base import RunOptions
from conformance.runner.errors import ErrorsSuite, Probe
from tests.fakes import run_suite
from tests.fakes.keepalive import Mode, keepalive_server

PROBE = Probe("files/get-unknown", "GET", "/v1/files/{file_id}", "not-found")
ONLY_CONNECTION = RunOptions(include=("errors/*/connection-kept-alive",))


def _judge(mode: Mode) -> tuple[CaseResult, TargetClient]:
    with keepalive_server(mode) as base_url:
        client = TargetClient(ClientSettings(base_url=base_url))
        suite = ErrorsSuite(probes=(PROBE,), ids={"file_id": "file-abc"})
        [case] = run_suite(suite, client=client, options=ONLY_CONNECTION)
    return case, client


def test_a_connection_that_serves_the_next_request_passes() -> None:
    case, client = _judge("keep-alive")
    assert case.status is Status.PASS, case
    assert client.resets == []


def test_a_reset_on_the_next_request_is_a_should_finding_and_the_run_goes_on() -> None:
    case, client = _judge("drop-next")
    assert case.status is Status.FAIL
    [finding] = case.findings
    assert finding.severity == "SHOULD"
    assert finding.operation == "GET /v1/files/{file_id}"
    assert finding.message == (
        "the next request on the same connection was reset after the HTTP 404 answer to GET /v1/files/file-abc "
        "(RemoteProtocolError: Server disconnected without sending a response.)"
    )
    assert "/v1/files/file-abc" in (finding.reproduction or "")
    [reset] = client.resets
    assert (reset.method, reset.url) == ("GET", f"{client.settings.base_url}/v1/health")


def test_a_connection_closed_without_a_word_is_a_finding_whether_or_not_httpx_notices_first() -> None:
    case, _ = _judge("close-silently")
    assert case.status is Status.FAIL
    [finding] = case.findings
    assert finding.message.startswith(
        (
            "the next request on the same connection was reset after the HTTP 404 answer to GET /v1/files/file-abc",
            "the server closed the connection after the HTTP 404 answer to GET /v1/files/file-abc without sending "
            "'Connection: close'",
        )
    )


def test_connection_close_in_the_error_answer_is_a_graceful_close_and_passes() -> None:
    case, client = _judge("close-header")
    assert case.status is Status.PASS, case
    assert client.resets == []


@pytest.mark.parametrize("mode", ["keep-alive", "drop-next"])
def test_without_the_connection_check_no_follow_up_is_sent(mode: Mode) -> None:
    with keepalive_server(mode) as base_url:
        client = TargetClient(ClientSettings(base_url=base_url))
        options = RunOptions(include=("errors/*/unknown-id-404",))
        cases = run_suite(ErrorsSuite(probes=(PROBE,), ids={"file_id": "f"}), client=client, options=options)
    assert [c.status for c in cases] == [Status.PASS]
    assert client.resets == []
