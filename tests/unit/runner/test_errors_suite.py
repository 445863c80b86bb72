"""conformance/runner/errors.py: the error-contract probes against the in-memory fake."""

from __future__ import annotations

import re

import httpx

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.results import Status
from conformance.runner.base import RunOptions
from conformance.runner.errors import FOLLOW_UP, PROBES, SUMMARY, ErrorsSuite, unknown_ids
from tests.fakes import SyncASGITransport, make_app, run_suite
from tests.fakes.harness import BASE_URL

GENERIC = {"error-not-success", "error-json-body", "error-message-not-repr", "error-connection-kept-alive"}
SPECIFIC = {
    "not-found": {"error-unknown-id-404", "error-unknown-id-null-body"},
    "invalid-body": {"error-invalid-body-status"},
    "invalid-stream": {"error-status-before-stream"},
}
SUMMARY_CHECKS = {"error-invalid-body-status-consistent", "error-envelope-consistent"}


def test_each_probe_is_judged_by_the_generic_and_its_own_checks_then_all_together() -> None:
    cases = run_suite(ErrorsSuite())
    by_probe: dict[str, set[str]] = {}
    for case in cases:
        name = case.id.removeprefix("errors/").rsplit("/", 1)[0]
        by_probe.setdefault(name, set()).add(str(case.check_id))
    assert set(by_probe) == {p.name for p in PROBES} | {SUMMARY.name}
    for probe in PROBES:
        assert by_probe[probe.name] == GENERIC | SPECIFIC[probe.expect], probe.name
    assert by_probe[SUMMARY.name] == SUMMARY_CHECKS
    assert [c.id for c in cases][-2:] == [
        "errors/all-probes/invalid-body-status-consistent",
        "errors/all-probes/envelope-consistent",
    ]
    assert {c.status for c in cases} == {Status.PASS}


def test_the_summary_cases_show_which_status_and_envelope_the_server_uses() -> None:
    cases = {c.id: c for c in run_suite(ErrorsSuite())}
    invalid = [p.name for p in PROBES if p.expect == "invalid-body"]
    status_case = cases["errors/all-probes/invalid-body-status-consistent"]
    assert status_case.operation == "all error probes"
    assert status_case.error_summary is not None
    assert status_case.error_summary.invalid_body_statuses == {"400": tuple(invalid)}
    assert status_case.error_summary.error_envelopes is None
    envelope_summary = cases["errors/all-probes/envelope-consistent"].error_summary
    assert envelope_summary is not None
    assert envelope_summary.error_envelopes is not None
    assert list(envelope_summary.error_envelopes) == ['{"detail": …} (FastAPI)']


def test_the_summary_alone_still_sends_the_probes_it_judges() -> None:
    options = RunOptions(include=("errors/all-probes/*",))
    [status_case, envelope_case] = run_suite(ErrorsSuite(), ["error-invalid-body-status-consistent"], options=options)
    assert [f.check_id for f in status_case.findings] == ["error-invalid-body-status-consistent"]
    assert status_case.error_summary is not None
    assert status_case.error_summary.invalid_body_statuses is not None
    assert status_case.error_summary.invalid_body_statuses["422"] == ("chat-completions/create-wrong-type",)
    assert envelope_case.status is Status.PASS


def _recording(seen: list[str]) -> TargetClient:
    fake = SyncASGITransport(make_app())

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        return fake.handle_request(request)

    return TargetClient(ClientSettings(base_url=BASE_URL), transport=httpx.MockTransport(record))


def test_operations_are_path_templates_and_requests_use_fresh_ids() -> None:
    seen: list[str] = []
    suite = ErrorsSuite()
    cases = run_suite(suite, client=_recording(seen))
    assert {c.operation for c in cases} == {p.operation for p in PROBES} | {SUMMARY.operation}
    assert all("{" not in path for path in seen)
    assert f"GET /v1/files/{suite.ids['file_id']}" in seen
    probes = [s for s in seen if s != f"GET {FOLLOW_UP}"]
    # the probes, plus the agent (with its session) that the live probes need: a model, created, deleted;
    # and the store: false response whose read-back is a probe: a model, created
    setup = [
        "GET /v1/models",
        "POST /v1alpha/agents",
        "DELETE /v1alpha/agents/",
        "GET /v1/models",
        "POST /v1/responses",
    ]
    assert len(probes) == len(PROBES) + len(setup) + 1
    assert seen.count(f"GET {FOLLOW_UP}") == len(PROBES)


def test_live_probes_use_the_created_agent_and_session_and_unknown_children() -> None:
    seen: list[str] = []
    suite = ErrorsSuite()
    run_suite(suite, client=_recording(seen))
    created = [s for s in seen if s.startswith("POST /v1alpha/agents/") and s.endswith("/session")]
    [session_path] = created
    agent_id = session_path.split("/")[3]
    turn = [s for s in seen if s.startswith("GET /v1alpha/agents/") and "/turn/" in s]
    assert turn == [f"GET /v1alpha/agents/{agent_id}/session/{turn[0].split('/')[5]}/turn/{suite.ids['turn_id']}"]
    assert turn[0].split("/")[5] != suite.ids["session_id"]
    streamed = [s for s in seen if s.endswith("/turn") and s.startswith("POST")]
    assert streamed == [f"POST /v1alpha/agents/{agent_id}/session/{suite.ids['session_id']}/turn"]
    assert seen[-1] == f"DELETE /v1alpha/agents/{agent_id}"


def test_unknown_ids_look_like_real_ones() -> None:
    ids = unknown_ids()
    assert re.fullmatch(r"conv_[0-9a-f]{48}", ids["conversation_id"])
    assert ids["response_id"].startswith("resp_")
    assert unknown_ids() != ids


def test_agents_probes_are_disabled_without_the_agents_api() -> None:
    seen: list[str] = []
    cases = run_suite(ErrorsSuite(), profile="llama-stack-0.7", client=_recording(seen))
    agents = [c for c in cases if c.id.startswith("errors/agents/")]
    assert agents
    assert {c.status for c in agents} == {Status.DISABLED}
    assert not [s for s in seen if "/v1alpha/agents" in s]
    assert seen.count("GET /v1/models") == 1  # for the store: false response only


def test_a_response_created_with_store_false_is_read_back_as_a_not_found_probe() -> None:
    seen: list[str] = []
    cases = run_suite(ErrorsSuite(), profile="llama-stack-0.7", client=_recording(seen))
    created = seen.index("POST /v1/responses")
    read_back = seen[created + 1]
    assert read_back.startswith("GET /v1/responses/resp_")
    assert "missing" not in read_back
    mine = [c for c in cases if c.id.startswith("errors/responses/get-not-stored/")]
    assert mine
    assert {c.status for c in mine} <= {Status.PASS, Status.SKIP}


def test_a_failed_agent_setup_is_an_error_for_the_probes_that_need_it_only() -> None:
    fake = SyncASGITransport(make_app())

    def refuse_agent_configs(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1alpha/agents" and b"agent_config" in request.read():
            return httpx.Response(503, text="agents are down")
        return fake.handle_request(request)

    client = TargetClient(ClientSettings(base_url=BASE_URL), transport=httpx.MockTransport(refuse_agent_configs))
    cases = run_suite(ErrorsSuite(), client=client)
    errors = {c.id.rsplit("/", 1)[0] for c in cases if c.status is Status.ERROR}
    assert errors == {"errors/agents/turn-unknown", "errors/agents/turn-stream-unknown-session"}
    assert {c.error for c in cases if c.error} == {"setup POST /v1alpha/agents answered HTTP 503: agents are down"}
    assert {c.status for c in cases if c.id.startswith("errors/all-probes/")} == {Status.PASS}


def test_include_selects_single_checks() -> None:
    options = RunOptions(include=("errors/*/unknown-id-404",))
    cases = run_suite(ErrorsSuite(), options=options)
    assert {c.check_id for c in cases} == {"error-unknown-id-404"}


def test_an_unreachable_server_makes_every_case_an_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = TargetClient(ClientSettings(base_url=BASE_URL), transport=httpx.MockTransport(refuse))
    cases = run_suite(ErrorsSuite(), client=client)
    assert {c.status for c in cases} == {Status.ERROR}
    assert "cannot connect" in (cases[0].error or "")
    summary = [c for c in cases if c.id.startswith("errors/all-probes/")]
    assert all((c.error or "").startswith("no error probe was answered: cannot connect") for c in summary)
