"""A suite that finds far too much: one case with 10,000 findings (and as many replay differences),
then 2,000 findings of one check spread over 40 cases, each with 400 bytes of evidence.

Uncapped, its report.json would weigh 20 MB; the caps (``runner/caps.py``) keep it small.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import get_profile
from conformance.core.results import (
    CaseResult,
    Evidence,
    Finding,
    ReplayDetails,
    ReplayDifference,
    RunResult,
    Severity,
    Status,
    Target,
)
from conformance.runner.base import RunContext, RunOptions, Suite, execute

__all__ = [
    "FLOOD",
    "FLOOD_CASE",
    "FLOOD_OP",
    "REPEATED",
    "REPEATED_CASES",
    "REPEATED_EACH",
    "REPEATED_OP",
    "FloodSuite",
    "flood_finding",
    "run_flood",
]

FLOOD = "flood-check"
FLOOD_OP = "flood/01-get"
FLOOD_CASE = 10_000
REPEATED = "repeated-check"
REPEATED_OP = "GET /v1/models"
REPEATED_CASES = 40
REPEATED_EACH = 50
_PADDING = "x" * 200


def flood_finding(check: str, operation: str, n: int, severity: Severity = Severity.MUST) -> Finding:
    return Finding(
        check_id=check,
        severity=severity,
        operation=operation,
        message=f"difference {n}",
        reproduction='curl -sS "$CONFORMANCE_BASE_URL/v1/models"',
        evidence=Evidence(request=f"GET /v1/models\n\n{_PADDING}", response=f"HTTP 200 OK\n\n{_PADDING}"),
    )


class FloodSuite:
    name = "flood"

    def run(self, ctx: RunContext) -> Iterator[CaseResult]:
        differences = tuple(
            ReplayDifference(rule=FLOOD, level="breaking", path=f"body.data[{n}]", message="gone")
            for n in range(FLOOD_CASE)
        )
        yield CaseResult(
            id="flood/one-case",
            suite=self.name,
            status=Status.FAIL,
            findings=tuple(flood_finding(FLOOD, FLOOD_OP, n) for n in range(FLOOD_CASE)),
            replay=ReplayDetails(scenario="flood", step="01-get", differences=differences),
        )
        for case in range(REPEATED_CASES):
            yield CaseResult(
                id=f"flood/repeated-{case:02d}",
                suite=self.name,
                operation=REPEATED_OP,
                status=Status.FAIL,
                check_id=REPEATED,
                findings=tuple(flood_finding(REPEATED, REPEATED_OP, n) for n in range(REPEATED_EACH)),
            )


def run_flood(
    *suites: Suite, baseline: tuple[tuple[str, str], ...] = (), options: RunOptions | None = None
) -> RunResult:
    """``execute`` over ``suites`` (default: one :class:`FloodSuite`); nothing is sent anywhere."""
    client = TargetClient(
        ClientSettings(base_url="http://127.0.0.1:9"), transport=httpx.MockTransport(lambda r: httpx.Response(200))
    )
    ctx = RunContext(
        client=client,
        profile=get_profile("ogx-1.5"),
        target=Target(base_url="http://127.0.0.1:9", profile="ogx-1.5"),
        options=options or RunOptions(),
    )
    return execute(list(suites) or [FloodSuite()], ctx, baseline=baseline)
