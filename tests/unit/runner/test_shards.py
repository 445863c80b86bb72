"""conformance/runner/shards.py: the shards of one run joined and gated once; anything else refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import UsageError
from conformance.core.profiles import get_profile
from conformance.core.results import (
    CaseResult,
    Finding,
    RunPlan,
    RunResult,
    Severity,
    Shard,
    Status,
    Target,
)
from conformance.runner.base import RunContext, RunOptions, execute
from conformance.runner.shards import ShardReport, check_shards, merge_shards

START = datetime(2026, 1, 1, tzinfo=UTC)
PLAN = RunPlan(command="run", suites=("smoke", "property"), seed=3, max_examples=2)
TARGET = Target(base_url="http://127.0.0.1:8321", profile="ogx-1.5", server="ogx", version="1.5.0")


def _finding(check: str, operation: str = "GET /v1/models", severity: Severity = Severity.MUST) -> Finding:
    return Finding(check_id=check, severity=severity, operation=operation, message="expected x, got y")


def _case(case_id: str, *findings: Finding, status: Status | None = None) -> CaseResult:
    suite = case_id.split("/", 1)[0]
    judged = Status.FAIL if any(f.severity is not Severity.MAY for f in findings) else Status.PASS
    return CaseResult(id=case_id, suite=suite, status=status or judged, findings=findings)


def _shard(index: int, count: int, *cases: CaseResult, **changes: Any) -> ShardReport:
    result = RunResult(
        suite_version="1.0",
        target=changes.pop("target", TARGET),
        plan=changes.pop("plan", PLAN),
        shard=Shard(index=index, count=count),
        started_at=START + timedelta(minutes=index),
        finished_at=START + timedelta(minutes=10 + index),
        cases=cases,
        **changes,
    )
    return ShardReport(source=f"shard-{index}/report.json", result=result)


def test_the_merged_run_has_every_shards_cases_in_run_order() -> None:
    merged = merge_shards(
        [
            _shard(1, 2, _case("property/GET /v1/models/status"), _case("smoke/health/json")),
            _shard(2, 2, _case("smoke/models/json", _finding("json-response-schema")), _case("run/aborted")),
        ]
    )
    assert [c.id for c in merged.cases] == [
        "smoke/health/json",
        "smoke/models/json",
        "property/GET /v1/models/status",
        "run/aborted",
    ]
    assert merged.shard is None
    assert merged.plan == PLAN
    assert (merged.started_at, merged.finished_at) == (START + timedelta(minutes=1), START + timedelta(minutes=12))
    assert [f.key for f in merged.unexpected_findings] == [("json-response-schema", "GET /v1/models")]


def test_a_case_several_shards_met_alike_is_kept_once_and_differing_ones_are_named_by_shard() -> None:
    blocked = _case("prerequisites/models-list", _finding("models-list"))
    merged = merge_shards(
        [
            _shard(1, 2, blocked, CaseResult(id="property/harness", suite="property", status=Status.ERROR, error="a")),
            _shard(2, 2, blocked, CaseResult(id="property/harness", suite="property", status=Status.ERROR, error="b")),
        ]
    )
    assert [c.id for c in merged.cases] == [
        "prerequisites/models-list",
        "property/harness",
        "property/harness [shard 2/2]",
    ]


def test_the_baseline_is_applied_once_over_every_shard() -> None:
    """A shard cannot tell a stale entry (another shard may meet it); the merged run can."""
    met_by_shard_2 = ("json-response-schema", "GET /v1/models")
    gone = ("json-response-status", "GET /v1/health")
    shards = [
        _shard(1, 2, _case("smoke/health/json")),
        _shard(2, 2, _case("smoke/models/json", _finding(*met_by_shard_2))),
    ]
    merged = merge_shards(shards, baseline=[met_by_shard_2, gone])
    assert merged.baselined == (met_by_shard_2,)
    assert merged.stale == (gone,)
    assert int(merged.exit_code) == 1
    allowed = merge_shards(shards, baseline=[met_by_shard_2, gone], allow_stale=True)
    assert int(allowed.exit_code) == 0


class _Cases:
    name = "smoke"

    def __init__(self, *cases: CaseResult) -> None:
        self.cases = cases

    def run(self, ctx: RunContext) -> Iterator[CaseResult]:
        yield from self.cases


def test_a_shards_own_run_does_not_call_a_baseline_entry_stale() -> None:
    ctx = RunContext(
        client=TargetClient(ClientSettings(base_url=TARGET.base_url)),
        profile=get_profile("ogx-1.5"),
        target=TARGET,
        options=RunOptions(shard=Shard(index=1, count=2), plan=PLAN),
    )
    result = execute([_Cases(_case("smoke/health/json"))], ctx, baseline=[("gone", "GET /v1/health")])
    assert (result.stale, result.shard, result.plan) == ((), Shard(index=1, count=2), PLAN)
    whole = RunContext(client=ctx.client, profile=ctx.profile, target=TARGET, options=RunOptions(plan=PLAN))
    assert execute([_Cases(_case("smoke/health/json"))], whole, baseline=[("gone", "GET /v1/health")]).stale


def test_the_caps_hold_over_the_merged_run_and_count_what_each_shard_left_out() -> None:
    """Each case's first finding of a key is always kept; past 500 of a check in the run, the others are
    counted, not kept (runner/caps.py), over the merged run as over an unsharded one."""
    shards = [
        _shard(i, 2, *(_case(f"smoke/p{i}-{n}", _finding("noisy"), _finding("noisy")) for n in range(300)),
               omitted_findings={"noisy": 5})
        for i in (1, 2)
    ]  # fmt: skip
    merged = merge_shards(shards)
    # 250 cases keep both (500 in all), the next 350 keep their first only.
    assert len(merged.findings) == 850
    assert merged.omitted_findings == {"noisy": 350 + 5 + 5}


@pytest.mark.parametrize(
    ("other", "message"),
    [
        (
            _shard(2, 2, plan=PLAN.model_copy(update={"seed": 4})),
            "shard-2/report.json is not a shard of the run shard-1/report.json is: its seed is 4, not 3",
        ),
        (
            _shard(2, 2, target=TARGET.model_copy(update={"profile": "llama-stack-0.7"})),
            "shard-2/report.json is not a shard of the run shard-1/report.json is: its profile is llama-stack-0.7, "
            "not ogx-1.5",
        ),
        (
            _shard(2, 2, target=TARGET.model_copy(update={"version": "1.4.0"})),
            "shard-2/report.json is not a shard of the run shard-1/report.json is: its server version is 1.4.0, "
            "not 1.5.0",
        ),
        (
            _shard(2, 2, fail_on=Severity.MUST),
            "shard-2/report.json is not a shard of the run shard-1/report.json is: its --fail-on is must, not should",
        ),
        (
            _shard(2, 3),
            "shard-2/report.json is shard 2/3 and shard-1/report.json is shard 1/2: the shards of one run are cut "
            "into the same n",
        ),
        (_shard(1, 2), "shard 1/2 is given twice: shard-1/report.json and shard-1/report.json"),
    ],
)
def test_shards_of_another_run_are_refused_naming_both_files(other: ShardReport, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        check_shards([_shard(1, 2), other])
    assert raised.value.message == message


def test_a_missing_shard_is_named() -> None:
    with pytest.raises(UsageError) as raised:
        check_shards([_shard(4, 4), _shard(1, 4), _shard(2, 4)])
    assert raised.value.message == "shard 3/4 missing (given: 1/4, 2/4, 4/4)"


def test_each_job_may_start_its_own_server_on_another_port() -> None:
    shards = [_shard(2, 2, target=TARGET.model_copy(update={"base_url": "http://127.0.0.1:40001"})), _shard(1, 2)]
    assert [s.shard.index for s in check_shards(shards)] == [1, 2]


def test_a_fail_on_other_than_the_shards_is_refused() -> None:
    with pytest.raises(UsageError, match="the shards judged their cases with --fail-on should"):
        merge_shards([_shard(1, 1)], fail_on=Severity.MUST)
    assert merge_shards([_shard(1, 1)], fail_on=Severity.SHOULD).fail_on is Severity.SHOULD
