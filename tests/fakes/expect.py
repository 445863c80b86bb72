"""The two assertions every check's tests make: the variant breaking it fires it alone, the
conformant fake keeps it quiet while actually exercising it."""

from __future__ import annotations

from functools import cache

from conformance.core.results import CaseResult, Status
from tests.fakes.harness import fired_checks, judge, suite_for

__all__ = ["assert_fires_alone", "assert_quiet", "cases_of"]


def cases_of(cases: list[CaseResult] | tuple[CaseResult, ...], check_id: str) -> list[CaseResult]:
    return [c for c in cases if c.check_id == check_id]


@cache
def _conformant(suite_name: str, check_id: str) -> tuple[CaseResult, ...]:
    return tuple(judge(check_id))


def assert_fires_alone(check_id: str) -> list[CaseResult]:
    """Break exactly ``check_id``'s rule: it fires, nothing else does, and its case fails."""
    cases = judge(check_id, [check_id])
    assert fired_checks(cases) == {check_id}
    assert not [c.error for c in cases if c.error]
    assert Status.FAIL in {c.status for c in cases_of(cases, check_id)}
    return cases


def assert_quiet(check_id: str) -> None:
    """On the conformant fake ``check_id`` runs, passes at least once and never fires."""
    cases = _conformant(suite_for(check_id).name, check_id)
    mine = cases_of(cases, check_id)
    assert mine, f"{check_id} never ran"
    assert all(not c.findings and c.status in (Status.PASS, Status.SKIP) for c in mine), mine
    assert any(c.status is Status.PASS for c in mine), f"{check_id} was only ever skipped: {[c.reason for c in mine]}"
