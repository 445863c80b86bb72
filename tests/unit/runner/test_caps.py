"""Bounded findings: a case keeps 50, a check 500 across the run, the rest are counted, not kept."""

from __future__ import annotations

from collections.abc import Iterator

from conformance.core.errors import ExitCode
from conformance.core.results import CaseResult, Severity, Status
from conformance.runner.base import RunContext, RunOptions
from conformance.runner.caps import FINDINGS_PER_CASE, FINDINGS_PER_CHECK, FindingCaps
from conformance.runner.severity_levels import SeverityLevels
from tests.fakes.flood import (
    FLOOD,
    FLOOD_CASE,
    FLOOD_OP,
    REPEATED,
    REPEATED_CASES,
    REPEATED_EACH,
    REPEATED_OP,
    flood_finding,
    run_flood,
)

_FULL_CASES = FINDINGS_PER_CHECK // REPEATED_EACH
"""Repeated-check cases kept whole before the check reaches its cap; later ones keep one finding."""


def test_one_case_keeps_its_first_findings_and_differences_and_counts_the_rest() -> None:
    case = run_flood().cases[0]
    assert case.status is Status.FAIL
    assert [f.message for f in case.findings] == [f"difference {n}" for n in range(FINDINGS_PER_CASE)]
    assert case.omitted_findings == FLOOD_CASE - FINDINGS_PER_CASE
    assert case.replay is not None
    assert len(case.replay.differences) == FINDINGS_PER_CASE
    assert case.replay.omitted_differences == FLOOD_CASE - FINDINGS_PER_CASE


def test_one_check_keeps_its_first_findings_across_the_run_and_each_case_keeps_its_status() -> None:
    cases = run_flood().cases[1:]
    kept = [len(c.findings) for c in cases]
    assert kept == [REPEATED_EACH] * _FULL_CASES + [1] * (REPEATED_CASES - _FULL_CASES)
    assert [c.omitted_findings for c in cases] == [0] * _FULL_CASES + [REPEATED_EACH - 1] * (
        REPEATED_CASES - _FULL_CASES
    )
    assert {c.status for c in cases} == {Status.FAIL}


def test_the_run_counts_what_each_check_lost() -> None:
    result = run_flood()
    repeated_lost = (REPEATED_CASES - _FULL_CASES) * (REPEATED_EACH - 1)
    assert result.omitted_findings == {FLOOD: FLOOD_CASE - FINDINGS_PER_CASE, REPEATED: repeated_lost}
    assert sum(result.omitted_findings.values()) == sum(c.omitted_findings for c in result.cases)
    assert result.exit_code is ExitCode.FAILURES


def test_baseline_keys_still_work_for_the_kept_findings() -> None:
    keys = ((FLOOD, FLOOD_OP), (REPEATED, REPEATED_OP))
    result = run_flood(baseline=keys)
    assert result.baselined == tuple(sorted(keys))
    assert result.stale == ()
    assert result.unexpected_findings == []
    assert result.exit_code is ExitCode.OK


class _LateKeys:
    """One case: 60 findings of one key, then one of another operation and one below fail_on."""

    name = "late"

    def run(self, ctx: RunContext) -> Iterator[CaseResult]:
        findings = [flood_finding(FLOOD, FLOOD_OP, n) for n in range(60)]
        findings += [flood_finding(FLOOD, "flood/02-list", 60), flood_finding(FLOOD, FLOOD_OP, 61, Severity.MAY)]
        yield CaseResult(id="late/one", suite=self.name, status=Status.FAIL, findings=tuple(findings))


def test_a_key_met_only_beyond_the_cap_is_still_kept_once() -> None:
    """The baseline, stale entries, known/fail labels and the exit code see every key, caps or not."""
    result = run_flood(_LateKeys(), baseline=((FLOOD, FLOOD_OP),))
    case = result.cases[0]
    assert len(case.findings) == FINDINGS_PER_CASE + 2
    assert case.findings[-2].operation == "flood/02-list"
    assert case.findings[-1].severity is Severity.MAY
    assert case.omitted_findings == 60 - FINDINGS_PER_CASE
    assert [f.key for f in result.unexpected_findings] == [(FLOOD, "flood/02-list")]
    assert result.exit_code is ExitCode.FAILURES


def test_findings_a_severity_level_turns_off_are_dropped_before_the_cap_and_not_counted() -> None:
    options = RunOptions(severity_levels=SeverityLevels({FLOOD: None}))
    result = run_flood(options=options)
    assert result.cases[0].findings == ()
    assert result.cases[0].omitted_findings == 0
    assert FLOOD not in result.omitted_findings


def test_a_case_within_the_caps_is_left_as_it_is() -> None:
    case = CaseResult(id="x", suite="x", status=Status.FAIL, findings=(flood_finding(FLOOD, FLOOD_OP, 0),))
    assert FindingCaps().apply(case) is case
