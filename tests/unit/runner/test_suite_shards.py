"""Every suite judges its own slice under ``--shard i/n``: the shards together judge each case of the
unsharded run exactly once, with the same findings (the property suite: tests/unit/cli/test_report_merge.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance.cassettes import Cassette, load_profile_cassettes
from conformance.clients.sdks import Sdk
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import get_profile
from conformance.core.results import CaseResult, Shard, Target
from conformance.runner.base import RunContext, RunOptions, Suite
from conformance.runner.clients import ClientsSuite
from conformance.runner.errors import SUMMARY, ErrorsSuite
from conformance.runner.record import record_scenarios
from conformance.runner.replay import ReplaySuite
from conformance.scenarios import get_scenario
from tests.fakes.harness import run_suite, suite_for
from tests.unit.scenarios.fake_api import Alterations
from tests.unit.scenarios.fake_api import make_app as make_api_app

Serve = Callable[[Any], str]
PROFILE = get_profile("ogx-1.5")


def _sharded(
    make: Callable[[], Suite], count: int, run: Callable[[Suite, RunOptions], list[CaseResult]]
) -> list[list[CaseResult]]:
    return [run(make(), RunOptions(shard=Shard(index=i, count=count))) for i in range(1, count + 1)]


def _in_memory(breaks: tuple[str, ...]) -> Callable[[Suite, RunOptions], list[CaseResult]]:
    return lambda suite, options: run_suite(suite, breaks, options=options)


def _assert_each_case_once(whole: list[CaseResult], shards: list[list[CaseResult]]) -> None:
    ids = [case.id for shard in shards for case in shard]
    assert sorted(ids) == sorted(case.id for case in whole)
    assert all(shard for shard in shards), "every shard judges some of the suite's units"
    findings = sorted((case.id, *f.key) for shard in shards for case in shard for f in case.findings)
    assert findings == sorted((case.id, *f.key) for case in whole for f in case.findings)


@pytest.mark.parametrize(
    ("check", "breaks"),
    [
        ("json-response-status", ("json-response-status",)),  # smoke, by call
        ("chat-stream-chunk-shape", ("chat-stream-chunk-shape", "responses-stream-first-event")),  # by scenario
        ("error-unknown-id-404", ("error-unknown-id-404",)),  # errors, by probe and the summary
    ],
)
def test_a_check_suite_judges_each_case_in_exactly_one_shard(check: str, breaks: tuple[str, ...]) -> None:
    whole = run_suite(suite_for(check), breaks)
    shards = _sharded(lambda: suite_for(check), 3, _in_memory(breaks))
    assert any(case.findings for case in whole), "the broken rule fires, so findings are compared too"
    _assert_each_case_once(whole, shards)


def test_the_error_summary_judges_every_probe_in_its_shard() -> None:
    """The summary compares the answers of all probes: its shard sends every probe, so it finds what an
    unsharded run finds (a 422 among 400s), and only that shard has the summary cases."""
    breaks = ("error-invalid-body-status-consistent",)
    whole = run_suite(ErrorsSuite(), breaks)
    shards = _sharded(ErrorsSuite, 4, _in_memory(breaks))
    summary = [i for i, shard in enumerate(shards) if any(c.id.startswith(f"errors/{SUMMARY.name}/") for c in shard)]
    assert len(summary) == 1
    expected = [c for c in whole if c.id.startswith(f"errors/{SUMMARY.name}/")]
    got = [c for c in shards[summary[0]] if c.id.startswith(f"errors/{SUMMARY.name}/")]
    assert [(c.id, c.status, c.error_summary) for c in got] == [(c.id, c.status, c.error_summary) for c in expected]
    assert any(c.findings for c in got)


@pytest.fixture(autouse=True)
def _no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scenarios wait a second between list entries; the fake server orders without ties."""
    monkeypatch.setattr("conformance.scenarios.base.time.sleep", lambda _s: None)
    monkeypatch.setattr("conformance.runner.replay.time.sleep", lambda _s: None)


def _over_http(base_url: str) -> Callable[[Suite, RunOptions], list[CaseResult]]:
    def run(suite: Suite, options: RunOptions) -> list[CaseResult]:
        with TargetClient(ClientSettings(base_url=base_url)) as client:
            target = Target(base_url=base_url, profile=PROFILE.id, server="fake", version="1.5.0")
            return list(suite.run(RunContext(client=client, profile=PROFILE, target=target, options=options)))

    return run


def test_replay_replays_each_recording_whole_in_one_shard(serve_app: Serve, tmp_path: Path) -> None:
    recorded_at = serve_app(make_api_app())
    with TargetClient(ClientSettings(base_url=recorded_at)) as client:
        chosen = [get_scenario(s) for s in ("responses-create", "responses-chain", "responses-list")]
        target = Target(base_url=recorded_at, profile=PROFILE.id, server="fake", version="1.5.0")
        record_scenarios(client, chosen, profile=PROFILE, target=target, folder=tmp_path)
    cassettes: list[Cassette] = load_profile_cassettes(tmp_path, PROFILE.id)
    run = _over_http(serve_app(make_api_app(Alterations(drop_field="created_at"))))
    whole = run(ReplaySuite(PROFILE, cassettes=cassettes), RunOptions())
    shards = _sharded(lambda: ReplaySuite(PROFILE, cassettes=cassettes), 3, run)
    assert any(case.findings for case in whole)
    _assert_each_case_once(whole, shards)
    for shard in shards:  # a recording's interactions and its verdict are in one shard
        scenarios = {case.replay.scenario for case in shard if case.replay is not None}
        assert len(scenarios) == 1


def test_replay_without_recordings_says_so_once(tmp_path: Path) -> None:
    suite = ReplaySuite(PROFILE, recordings=tmp_path)
    shards = _sharded(lambda: ReplaySuite(PROFILE, recordings=tmp_path), 2, _in_memory(()))
    assert [[c.id for c in shard] for shard in shards] == [["replay/recordings"], []]
    assert [c.id for c in run_suite(suite)] == ["replay/recordings"]


def test_clients_judges_each_sdk_flow_in_exactly_one_shard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the SDK's toolchain every chosen flow is a skip case: what each shard chose, nothing installed."""
    monkeypatch.setattr(Sdk, "toolchain_missing", lambda _self: "node is not installed")
    clients = ("openai==3.57.0", "no-flows-sdk==1.0")
    whole = run_suite(ClientsSuite(clients), profile=PROFILE)
    shards = [
        run_suite(ClientsSuite(clients), profile=PROFILE, options=RunOptions(shard=Shard(index=i, count=4)))
        for i in range(1, 5)
    ]
    assert "clients/no-flows-sdk==1.0" in {c.id for c in whole}
    assert len(whole) > 4
    _assert_each_case_once(whole, shards)
