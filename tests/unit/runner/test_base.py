from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import HarnessError
from conformance.core.profiles import get_profile
from conformance.core.results import CaseResult, Finding, Severity, Status, Target
from conformance.runner.base import CaseRecorder, RunContext, RunOptions, aborted_result, execute


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


# ---------------------------------------------------------------------- --max-run-time


class _SlowSuite:
    """``count`` passing cases of ``seconds`` each; notes what it started and whether its clean-up ran."""

    def __init__(self, name: str, count: int = 20, seconds: float = 0.3) -> None:
        self.name = name
        self.count = count
        self.seconds = seconds
        self.started = 0
        self.cleaned_up = False

    def run(self, ctx: RunContext) -> Iterator[CaseResult]:
        try:
            for index in range(self.count):
                self.started += 1
                with CaseRecorder(f"{self.name}/case-{index}", suite=self.name) as case:
                    time.sleep(self.seconds)
                yield case.result(ctx.options.fail_on)
        finally:
            self.cleaned_up = True  # what a scenario does to delete what it created


def test_past_max_run_time_no_case_is_started_and_what_was_not_run_is_one_error_per_suite() -> None:
    first, later = _SlowSuite("first"), _SlowSuite("later")
    started = time.monotonic()
    result = execute([first, later], _ctx(RunOptions(max_run_time_s=0.5)))
    elapsed = time.monotonic() - started
    assert elapsed < 20  # the 20 cases of 0.3 s each would take 12 s
    assert 1 <= first.started < first.count
    assert later.started == 0
    ids = [case.id for case in result.cases]
    assert ids == [f"first/case-{i}" for i in range(first.started)] + ["first/out-of-time", "later/out-of-time"]
    cut, skipped = result.cases[-2:]
    assert (cut.status, cut.suite) == (Status.ERROR, "first")
    assert cut.error == "the rest of the first suite was not run: the run reached --max-run-time (0.5s)"
    assert (skipped.status, skipped.suite) == (Status.ERROR, "later")
    assert skipped.error == "the later suite was not run: the run reached --max-run-time (0.5s)"


def test_a_suite_cut_short_by_max_run_time_runs_its_clean_up_before_the_next_suite() -> None:
    first, later = _SlowSuite("first"), _SlowSuite("later")
    cleaned_up_when: dict[str, bool] = {}

    def on_case(case: CaseResult) -> None:
        cleaned_up_when[case.id] = first.cleaned_up

    execute([first, later], _ctx(RunOptions(max_run_time_s=0.5)), on_case=on_case)
    assert first.started < first.count
    assert cleaned_up_when["first/out-of-time"] is False  # said first, then the generator is closed
    assert cleaned_up_when["later/out-of-time"] is True  # not left to the garbage collector


def test_without_max_run_time_every_case_runs() -> None:
    suite = _SlowSuite("all", count=3, seconds=0.0)
    ctx = _ctx()
    result = execute([suite], ctx)
    assert [case.id for case in result.cases] == ["all/case-0", "all/case-1", "all/case-2"]
    assert (ctx.ends_at, ctx.time_left()) == (None, None)
    assert suite.cleaned_up


def test_time_left_counts_down_to_zero_never_below() -> None:
    ctx = _ctx(RunOptions(max_run_time_s=100.0))
    execute([], ctx)
    assert ctx.ends_at is not None
    left = ctx.time_left()
    assert left is not None
    assert 0 < left <= 100.0
    ctx.ends_at = time.monotonic() - 5
    assert ctx.time_left() == 0


def test_a_deadline_set_before_the_run_is_kept_and_an_expired_one_runs_nothing() -> None:
    suite = _SlowSuite("demo", count=2, seconds=0.0)
    ctx = _ctx(RunOptions(max_run_time_s=1000.0))
    ctx.ends_at = time.monotonic() - 1  # e.g. the time already spent before the suites
    result = execute([suite], ctx)
    assert suite.started == 0
    assert [(case.id, case.status) for case in result.cases] == [("demo/out-of-time", Status.ERROR)]
    assert result.cases[0].error == "the demo suite was not run: the run reached --max-run-time (1000s)"


def test_out_of_time_cases_obey_include_and_exclude_like_any_other() -> None:
    ctx = _ctx(RunOptions(max_run_time_s=1.0, exclude=("*/out-of-time",)))
    ctx.ends_at = time.monotonic() - 1
    assert execute([_SlowSuite("demo")], ctx).cases == ()


# ---------------------------------------------------------------------- a run cut short


def test_an_aborted_result_keeps_the_cases_finished_and_says_what_broke() -> None:
    finished = execute([_Suite("pass", "broken")], _ctx()).cases
    target = Target(base_url="http://127.0.0.1:9", profile="ogx-1.5")
    started = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    result = aborted_result(
        target,
        finished,
        "cannot connect to http://127.0.0.1:9",
        started=started,
        options=RunOptions(fail_on=Severity.MUST),
    )
    assert [case.id for case in result.cases] == ["demo/case-0", "demo/case-1", "run/aborted"]
    assert result.cases[:2] == finished
    aborted = result.cases[-1]
    assert (aborted.suite, aborted.status, aborted.error) == (
        "run",
        Status.ERROR,
        "cannot connect to http://127.0.0.1:9",
    )
    assert (result.target, result.started_at, result.fail_on) == (target, started, Severity.MUST)
    assert result.finished_at >= started


def test_an_aborted_result_with_no_case_finished_has_only_the_aborted_case() -> None:
    target = Target(base_url="http://127.0.0.1:9", profile="unknown")
    result = aborted_result(target, [], "boom", started=datetime.now(UTC), options=RunOptions())
    assert [(case.id, case.status, case.error) for case in result.cases] == [("run/aborted", Status.ERROR, "boom")]
