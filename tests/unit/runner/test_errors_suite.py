"""conformance/runner/errors.py: the error-contract probes against the in-memory fake."""

from __future__ import annotations

import re

import httpx

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.results import Status
from conformance.runner.base import RunOptions
from conformance.runner.errors import PROBES, ErrorsSuite, unknown_ids
from tests.fakes import SyncASGITransport, make_app, run_suite
from tests.fakes.harness import BASE_URL


def test_each_probe_is_judged_by_the_generic_and_its_own_checks() -> None:
    cases = run_suite(ErrorsSuite())
    by_probe: dict[str, set[str]] = {}
    for case in cases:
        probe = case.id.removeprefix("errors/").rsplit("/", 1)[0]
        by_probe.setdefault(probe, set()).add(str(case.details["check_id"]))
    assert set(by_probe) == {p.name for p in PROBES}
    for probe in PROBES:
        specific = "error-unknown-id-404" if probe.expect == "not-found" else "error-invalid-body-status"
        assert by_probe[probe.name] == {"error-not-success", "error-json-body", specific}
    assert {c.status for c in cases} == {Status.PASS}


def test_operations_are_path_templates_and_requests_use_fresh_ids() -> None:
    seen: list[str] = []
    fake = SyncASGITransport(make_app())

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return fake.handle_request(request)

    client = TargetClient(ClientSettings(base_url=BASE_URL), transport=httpx.MockTransport(record))
    suite = ErrorsSuite()
    cases = run_suite(suite, client=client)
    assert {c.operation for c in cases} == {p.operation for p in PROBES}
    assert all("{" not in path for path in seen)
    assert f"/v1/files/{suite.ids['file_id']}" in seen
    assert len(seen) == len(PROBES)


def test_unknown_ids_look_like_real_ones() -> None:
    ids = unknown_ids()
    assert re.fullmatch(r"conv_[0-9a-f]{48}", ids["conversation_id"])
    assert ids["response_id"].startswith("resp_")
    assert unknown_ids() != ids


def test_agents_probes_are_disabled_without_the_agents_api() -> None:
    cases = run_suite(ErrorsSuite(), profile="llama-stack-0.7")
    agents = [c for c in cases if c.id.startswith("errors/agents/")]
    assert agents
    assert {c.status for c in agents} == {Status.DISABLED}


def test_include_selects_single_checks() -> None:
    options = RunOptions(include=("errors/*/unknown-id-404",))
    cases = run_suite(ErrorsSuite(), options=options)
    assert {c.details["check_id"] for c in cases} == {"error-unknown-id-404"}


def test_an_unreachable_server_makes_every_case_an_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = TargetClient(ClientSettings(base_url=BASE_URL), transport=httpx.MockTransport(refuse))
    cases = run_suite(ErrorsSuite(), client=client)
    assert {c.status for c in cases} == {Status.ERROR}
    assert "cannot connect" in (cases[0].error or "")
