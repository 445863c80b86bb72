"""A hand-made RunResult with every case label, for report tests (no server needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conformance.core.results import CaseResult, Evidence, Finding, RunResult, Severity, Status, Target

__all__ = ["NASTY", "finding", "sample_result"]

NASTY = "<script>alert('x')</script> | `tick` & \x00\x07 control"
"""Text a hostile or broken server could put anywhere: HTML, Markdown table syntax, control bytes."""

STARTED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def finding(
    check: str, operation: str, severity: Severity = Severity.MUST, message: str = "expected x, got y"
) -> Finding:
    return Finding(
        check_id=check,
        severity=severity,
        operation=operation,
        message=message,
        reproduction=f"curl -sS -X GET 'http://fake.test{operation.split(' ', 1)[1]}'",
        evidence=Evidence(request=f"{operation}\nAccept: */*", response=f"HTTP 500 Internal Server Error\n\n{NASTY}"),
    )


def sample_result(*, extra_failures: int = 0, stale: bool = True) -> RunResult:
    """Cases labelled fail, known, warn, pass, skip, disabled and error, two suites, one without operations."""
    op = "GET /v1/models/{model_id}"
    known = finding("known-check", op)
    cases = [
        CaseResult(
            id="checks/models/unexpected",
            suite="checks",
            operation=op,
            status=Status.FAIL,
            findings=(finding("unexpected-check", op, message=f"broken {NASTY}"),),
            check_id="unexpected-check",
        ),
        CaseResult(
            id="checks/models/known",
            suite="checks",
            operation=op,
            status=Status.FAIL,
            findings=(known,),
            check_id="known-check",
        ),
        CaseResult(
            id="checks/models/warn",
            suite="checks",
            operation="POST /v1/responses",
            status=Status.PASS,
            findings=(finding("minor-check", "POST /v1/responses", Severity.MAY),),
            check_id="minor-check",
        ),
        CaseResult(
            id="checks/responses/ok",
            suite="checks",
            operation="POST /v1/responses",
            status=Status.PASS,
            check_id="unexpected-check",
        ),
        CaseResult(
            id="checks/responses/skipped",
            suite="checks",
            operation="POST /v1/responses",
            status=Status.SKIP,
            reason="no schema given",
            check_id="known-check",
        ),
        CaseResult(
            id="checks/agents/off",
            suite="checks",
            operation="POST /v1alpha/agents",
            status=Status.DISABLED,
            reason="profile has no Agents API",
            check_id="agent-check",
        ),
        CaseResult(id="replay/basic", suite="replay", status=Status.PASS),
        CaseResult(id=f"replay/{NASTY}", suite="replay", status=Status.ERROR, error=f"cassette broke: {NASTY}"),
    ]
    cases += [
        CaseResult(
            id=f"checks/more/{i}",
            suite="checks",
            operation=f"GET /v1/more/{i}",
            status=Status.FAIL,
            findings=(finding(f"more-{i}", f"GET /v1/more/{i}"),),
        )
        for i in range(extra_failures)
    ]
    return RunResult(
        suite_version="9.9.9",
        target=Target(base_url="http://fake.test", profile="ogx-1.5", server="ogx", version="1.5.0"),
        started_at=STARTED,
        finished_at=STARTED + timedelta(seconds=3),
        cases=tuple(cases),
        baselined=(known.key,),
        stale=(("gone-check", "GET /v1/gone"),) if stale else (),
    )
