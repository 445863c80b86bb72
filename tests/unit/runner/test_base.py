from __future__ import annotations

from collections.abc import Iterator

import httpx

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import HarnessError
from conformance.core.profiles import get_profile
from conformance.core.results import CaseResult, Finding, Severity, Status, Target
from conformance.runner.base import CaseRecorder, RunContext, RunOptions, execute


def _ctx(options: RunOptions | None = None) -> RunContext:
    client = TargetClient(
        ClientSettings(base_url="http://127.0.0.1:9"), transport=httpx.MockTransport(lambda r: httpx.Response(200))
    )
    return RunContext(
        client=client,
        profile=get_profile("ogx-1.5"),
        target=Target(base_url="http://127.0.0.1:9", profile="ogx-1.5"),
        options=options or RunOptions(),
    )


def _finding(check: str, severity: Severity = Severity.MUST) -> Finding:
    return Finding(check_id=check, severity=severity, operation="GET /v1/models", message="broken")


class _Suite:
    name = "demo"

    def __init__(self, *outcomes: str) -> None:
        self.outcomes = outcomes

    def run(self, ctx: RunContext) -> Iterator[CaseResult]:
        for index, outcome in enumerate(self.outcomes):
            with CaseRecorder(f"demo/case-{index}", suite=self.name, operation="GET /v1/models") as case:
                if outcome == "harness":
                    raise HarnessError("server went away")
                if outcome == "abort":
                    raise HarnessError("cannot go on")
                if outcome != "pass":
                    case.add(_finding(outcome, Severity.MAY if outcome == "minor" else Severity.MUST))
            yield case.result(ctx.options.fail_on)


def test_a_harness_error_inside_a_case_is_an_error_case_not_a_failure() -> None:
    result = execute([_Suite("pass", "harness", "broken")], _ctx())
    assert [c.status for c in result.cases] == [Status.PASS, Status.ERROR, Status.FAIL]
    assert result.cases[1].error == "server went away"


def test_findings_below_fail_on_leave_the_case_passing() -> None:
    result = execute([_Suite("minor")], _ctx())
    assert result.cases[0].status is Status.PASS
    assert result.cases[0].findings[0].check_id == "minor"


def test_baseline_splits_expected_and_stale_keys() -> None:
    known = [("broken", "GET /v1/models"), ("fixed-since", "GET /v1/models")]
    result = execute([_Suite("broken")], _ctx(), baseline=known)
    assert result.baselined == (("broken", "GET /v1/models"),)
    assert result.stale == (("fixed-since", "GET /v1/models"),)


def test_include_and_exclude_globs_match_case_ids() -> None:
    result = execute([_Suite("pass", "broken")], _ctx(RunOptions(exclude=("demo/case-1",))))
    assert [c.id for c in result.cases] == ["demo/case-0"]
    result = execute([_Suite("pass", "broken")], _ctx(RunOptions(include=("*case-1",))))
    assert [c.id for c in result.cases] == ["demo/case-1"]


def test_events_reach_the_sink_in_order() -> None:
    seen: list[str] = []
    execute([_Suite("pass", "broken")], _ctx(), on_case=lambda c: seen.append(c.id))
    assert seen == ["demo/case-0", "demo/case-1"]
