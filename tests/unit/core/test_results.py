from __future__ import annotations

from datetime import UTC, datetime

from conformance.core.errors import ExitCode
from conformance.core.results import CaseResult, Finding, RunResult, Severity, Status, Target

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _finding(check: str = "some-check", severity: Severity = Severity.MUST) -> Finding:
    return Finding(check_id=check, severity=severity, operation="GET /v1/models", message="m")


def _run(*cases: CaseResult, **kwargs: object) -> RunResult:
    return RunResult(
        suite_version="t",
        target=Target(base_url="http://127.0.0.1:1", profile="ogx-1.5"),
        started_at=NOW,
        finished_at=NOW,
        cases=cases,
        **kwargs,  # type: ignore[arg-type]
    )


def _case(status: Status, *findings: Finding) -> CaseResult:
    return CaseResult(id="x/y", suite="x", status=status, findings=findings)


def test_status_order_puts_error_above_fail() -> None:
    assert Status.worst([Status.PASS, Status.ERROR, Status.FAIL]) is Status.ERROR
    assert [s.rank for s in Status] == sorted(s.rank for s in Status)


def test_exit_codes() -> None:
    assert _run(_case(Status.PASS)).exit_code is ExitCode.OK
    assert _run(_case(Status.FAIL, _finding())).exit_code is ExitCode.FAILURES
    assert _run(_case(Status.FAIL, _finding()), _case(Status.ERROR)).exit_code is ExitCode.HARNESS


def test_baselined_findings_do_not_fail_but_stale_entries_do_unless_allowed() -> None:
    finding = _finding()
    assert _run(_case(Status.FAIL, finding), baselined=(finding.key,)).exit_code is ExitCode.OK
    stale = (("gone-check", "GET /v1/x"),)
    assert _run(_case(Status.PASS), stale=stale).exit_code is ExitCode.FAILURES
    assert _run(_case(Status.PASS), stale=stale, allow_stale=True).exit_code is ExitCode.OK


def test_findings_below_fail_on_are_warnings() -> None:
    may = _finding(severity=Severity.MAY)
    assert _run(_case(Status.PASS, may)).exit_code is ExitCode.OK
    assert _run(_case(Status.FAIL, may), fail_on=Severity.MAY).exit_code is ExitCode.FAILURES
