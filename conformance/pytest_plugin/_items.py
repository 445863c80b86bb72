"""A conformance case as a pytest item: its node id is the case's id, its outcome the case's status.

pass -> passed; fail -> failed with each unexpected finding's message and curl reproduction; a case
failing only by baselined findings -> xfail with the baseline's reasons; skip and disabled -> skipped;
a harness error -> error (raised in setup, as pytest reports a test that could not be set up).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from conformance.core.errors import ConformanceError
from conformance.core.results import CaseResult, Finding, Severity, Status
from conformance.pytest_plugin._select import suite_marker

__all__ = [
    "NODE_PREFIX",
    "CaseItem",
    "ConformanceCollector",
    "StaleBaselineItem",
    "collect_cases",
    "severity_marker",
]

NODE_PREFIX = "conformance"
"""Items are ``conformance::<case id>``, e.g. ``conformance::streaming/responses/text/first-event``."""


class ConformanceCollector(pytest.Collector):
    """The parent of every conformance item: collecting it runs the suites (``produce``) and builds an
    item per case. A harness error (the server failed the first probe) is a collection error of its own."""

    def __init__(self, *, produce: Callable[[ConformanceCollector], list[pytest.Item]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.produce = produce

    def collect(self) -> list[pytest.Item | pytest.Collector]:
        return list(self.produce(self))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> str:  # type: ignore[override]
        if isinstance(excinfo.value, ConformanceError):
            return f"conformance: {excinfo.value.message}"
        return str(super().repr_failure(excinfo))


def collect_cases(
    session: pytest.Session, produce: Callable[[ConformanceCollector], list[pytest.Item]]
) -> list[pytest.Item]:
    """The items ``produce`` builds under the ``conformance`` collector, reported as pytest reports any
    collection (a failure counts as a collection error and interrupts the run)."""
    parent = ConformanceCollector.from_parent(session, name=NODE_PREFIX, nodeid=NODE_PREFIX, produce=produce)
    try:
        items = parent.collect()
        report = pytest.CollectReport(parent.nodeid, "passed", None, items)
    except Exception:
        longrepr = parent.repr_failure(pytest.ExceptionInfo.from_current())
        report = pytest.CollectReport(parent.nodeid, "failed", longrepr, [])
    session.ihook.pytest_collectreport(report=report)
    return [item for item in report.result if isinstance(item, pytest.Item)]


def severity_marker(case: CaseResult) -> str | None:
    """``must``/``should``/``may``: the highest severity among the findings, else that of the case's check."""
    if case.findings:
        return max((f.severity for f in case.findings), key=lambda s: s.rank).value.lower()
    if case.check_id is None:
        return None
    from conformance.checks.registry import get_check

    try:
        return get_check(case.check_id).severity.value.lower()
    except KeyError:  # a Schemathesis check or a diff rule: no severity of its own
        return None


def _finding_text(finding: Finding) -> str:
    lines = [f"[{finding.severity.value}] {finding.check_id} on {finding.operation}: {finding.message}"]
    if finding.reproduction:
        lines += ["  reproduce with:", *(f"    {line}" for line in finding.reproduction.splitlines())]
    return "\n".join(lines)


class CaseItem(pytest.Item):
    """One case the suites produced; running it reports the case's outcome."""

    def __init__(
        self, *, case: CaseResult, known: Mapping[tuple[str, str], str], fail_on: Severity, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.known = known
        self.fail_on = fail_on
        self.add_marker(NODE_PREFIX)
        from conformance.runner.suites import SUITES

        if case.suite in SUITES:  # not what blocked other cases (``prerequisites``, runner/blocked.py)
            self.add_marker(suite_marker(case.suite))
        severity = severity_marker(case)
        if severity is not None:
            self.add_marker(severity)
        # junit.xml carries every finding as a property, warnings below --conformance-fail-on too.
        self.user_properties += [("finding", f"{f.check_id} {f.operation}: {f.message}") for f in case.findings]

    def setup(self) -> None:
        if self.case.status is Status.ERROR:
            pytest.fail(f"the harness could not judge this case: {self.case.error}", pytrace=False)

    def runtest(self) -> None:
        case = self.case
        if case.status in (Status.SKIP, Status.DISABLED):
            # Reported at the item (``conformance:1: disabled: ...``, grouped by reason), not at this line.
            raise pytest.skip.Exception(
                f"{case.status.value}: {case.reason or 'no reason given'}", _use_item_location=True
            )
        gating = [f for f in case.findings if f.severity.rank >= self.fail_on.rank]
        if case.status is Status.PASS or not gating:
            return
        unexpected = [f for f in gating if f.key not in self.known]
        if not unexpected:
            reasons = sorted({self.known[f.key] or f"{f.check_id} on {f.operation} is baselined" for f in gating})
            pytest.xfail("; ".join(reasons))
        text = "\n".join(_finding_text(f) for f in unexpected)
        if case.omitted_findings:
            text += f"\n({case.omitted_findings} more findings counted, not kept)"
        pytest.fail(text, pytrace=False)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return NODE_PREFIX, 0, f"{NODE_PREFIX}::{self.name}"


class StaleBaselineItem(pytest.Item):
    """``conformance::baseline/stale``: fails when baselined findings no longer occur (as the CLI does)."""

    def __init__(self, *, stale: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stale = stale
        self.add_marker(NODE_PREFIX)

    def runtest(self) -> None:
        if self.stale:
            lines = [f"{check} on {operation}" for check, operation in self.stale]
            pytest.fail(
                "baselined findings no longer occur (remove them, or --conformance-allow-stale):\n  "
                + "\n  ".join(lines),
                pytrace=False,
            )

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return NODE_PREFIX, 0, f"{NODE_PREFIX}::{self.name}"
