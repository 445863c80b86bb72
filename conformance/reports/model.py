"""What every report shows, computed once from a :class:`RunResult`: the summary and case labels.

All four reports read these, so the JSON, the JUnit file, the Markdown summary and the HTML page can
never disagree about a verdict or a count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field

from conformance.core.errors import ConformanceError, ExitCode
from conformance.core.reproduce import shell_setup
from conformance.core.results import CaseResult, Finding, RunResult, Status, Target
from conformance.runner.blocked import PREREQUISITES
from conformance.spec.loader import load_spec
from conformance.spec.operations import spec_operation

__all__ = [
    "BaselineKey",
    "CaseLabel",
    "HarnessErrorEntry",
    "Report",
    "ReportSummary",
    "SdkErrorCell",
    "SdkErrorRow",
    "build_report",
    "case_label",
    "column_of",
    "operation_rows",
    "reproduction_setup",
    "restart_command",
    "sdk_error_columns",
    "sdk_error_skips",
    "sdk_error_table",
    "summarize",
    "verdict_of",
]

Verdict = Literal["conformant", "failures", "harness-error"]


class CaseLabel(StrEnum):
    """How reports show a case: its status, refined by what the baseline and severities say.

    ``known`` is a failed case whose gating findings the baseline expected; ``warn`` is a passed
    case with findings below ``fail_on``.
    """

    ERROR = "error"
    FAIL = "fail"
    KNOWN = "known"
    WARN = "warn"
    PASS = "pass"
    SKIP = "skip"
    DISABLED = "disabled"

    @property
    def rank(self) -> int:
        """Worst first: used to pick a matrix cell's label from several cases."""
        return list(CaseLabel).index(self)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BaselineKey(_Model):
    check: str
    operation: str


class HarnessErrorEntry(_Model):
    case: str
    suite: str
    message: str


class SdkErrorCell(_Model):
    """What one SDK raised in one error situation."""

    case: str = Field(description="The clients case, e.g. 'clients/openai/errors.unknown-id'.")
    raised: str | None = Field(description="The class the SDK raised; null when it raised nothing.")
    status: int | None = Field(description="The HTTP status the SDK's exception carried.")
    matches: bool = Field(description="Whether the class is one the situation calls for.")

    @staticmethod
    def text_of(cell: SdkErrorCell | None) -> str:
        """``✅ NotFoundError``, ``❌ BadRequestError (HTTP 400)``, ``❌ raised nothing``; ``not run``."""
        if cell is None:
            return "not run"
        if cell.raised is None:
            return "❌ raised nothing"
        status = f" (HTTP {cell.status})" if cell.status is not None and not cell.matches else ""
        return f"{'✅' if cell.matches else '❌'} {cell.raised}{status}"


class SdkErrorRow(_Model):
    """One row of the SDK error table: a situation, the statuses it calls for and what each SDK raised (each
    SDK names the class of a status its own way: ``NotFoundError``, ogx-client's ``NotFoundException``)."""

    situation: str
    provokes: str
    statuses: tuple[int, ...] = Field(description="The HTTP statuses the situation calls for.")
    sdks: dict[str, SdkErrorCell] = Field(description="SDK ('openai 3.57.0') -> what it raised.")

    @property
    def calls_for(self) -> str:
        """``HTTP 404``, ``HTTP 400 or 422``."""
        return "HTTP " + " or ".join(str(status) for status in self.statuses) if self.statuses else "an error"


class ReportSummary(_Model):
    """Computed from the run; everything here can be recomputed from the other fields of the report."""

    verdict: Verdict = Field(description="'conformant' (exit 0), 'failures' (exit 1) or 'harness-error' (exit 3).")
    exit_code: int = Field(description="The process exit code this run maps to.")
    total: int = Field(description="Number of cases.")
    counts: dict[Status, int] = Field(description="Cases per status (every status present, zero included).")
    labels: dict[CaseLabel, int] = Field(description="Cases per report label (status refined by baseline/severity).")
    unexpected_findings: list[Finding] = Field(
        description="Gating findings the baseline did not expect; those that blocked other cases first."
    )
    baselined_findings: int = Field(description="Gating findings the baseline expected.")
    warnings: int = Field(description="Findings below fail_on (reported, never failing).")
    omitted_findings: int = Field(
        default=0, description="Findings beyond the caps, counted not kept (per check id: omitted_findings)."
    )
    stale: list[BaselineKey] = Field(description="Baseline entries that no longer occur.")
    harness_errors: list[HarnessErrorEntry] = Field(description="Cases the harness could not judge.")
    sdk_errors: list[SdkErrorRow] = Field(
        default_factory=list,
        description="The clients suite's SDK error table: per situation, the class each SDK raised (empty when "
        "no error flow ran).",
    )


class Report(RunResult):
    """``report.json``: the run result with its computed summary."""

    summary: ReportSummary


def verdict_of(result: RunResult) -> Verdict:
    return {ExitCode.OK: "conformant", ExitCode.FAILURES: "failures"}.get(result.exit_code, "harness-error")  # type: ignore[return-value]


def case_label(result: RunResult, case: CaseResult) -> CaseLabel:
    if case.status is Status.FAIL:
        expected = set(result.baselined)
        gating = [f for f in case.findings if result.gates(f)]
        if gating and all(f.key in expected for f in gating):
            return CaseLabel.KNOWN
        return CaseLabel.FAIL
    if case.status is Status.PASS and case.findings:
        return CaseLabel.WARN
    return CaseLabel(case.status.value)


def column_of(case: CaseResult) -> str:
    """The matrix column of a case: the check it judges (``check_id``), else its suite."""
    return case.check_id or case.suite


def operation_rows(result: RunResult, spec: Mapping[str, Any] | None = None) -> list[str | None]:
    """Each case's operation as the spec templates it (``None`` for a case without one), in case order.

    Suites name an operation their own way: the property suite by the spec's template
    (``GET /v1/responses/{response_id}``), replay by its recording (``GET /v1/responses/{id}``,
    ``GET /v1/models/no-such-model``); both are the spec's one operation, so the matrix gives it one row.
    ``spec`` defaults to the run's profile's; an operation the spec does not have keeps its own name.
    """
    paths = spec if spec is not None else _spec_of(result)
    named: dict[str, str] = {}
    rows: list[str | None] = []
    for case in result.cases:
        if case.operation is not None and case.operation not in named:
            found = spec_operation(paths, case.operation)
            named[case.operation] = found.label if found is not None else case.operation
        rows.append(None if case.operation is None else named[case.operation])
    return rows


def _spec_of(result: RunResult) -> Mapping[str, Any]:
    """The run's profile's spec; for a profile this process does not know (a user's profile folder
    not loaded, say), the templated operations the check suites judged stand in for it."""
    try:
        return load_spec(result.target.profile)
    except ConformanceError:
        paths: dict[str, dict[str, Any]] = {}
        for case in result.cases:
            method, _, path = (case.operation or "").partition(" ")
            if case.replay is None and "{" in path:
                paths.setdefault(path, {})[method.lower()] = {}
        return {"paths": paths}


def _blockers_first(result: RunResult) -> list[Finding]:
    """Unexpected findings, those that blocked other cases first: later skips follow from them."""
    blocking = {f.key for case in result.cases if case.suite == PREREQUISITES for f in case.findings}
    return sorted(result.unexpected_findings, key=lambda f: f.key not in blocking)


def summarize(result: RunResult) -> ReportSummary:
    expected = set(result.baselined)
    gating = [f for f in result.findings if result.gates(f)]
    labels = Counter(case_label(result, case) for case in result.cases)
    return ReportSummary(
        verdict=verdict_of(result),
        exit_code=int(result.exit_code),
        total=len(result.cases),
        counts=result.counts(),
        labels={label: labels[label] for label in CaseLabel},
        unexpected_findings=_blockers_first(result),
        baselined_findings=sum(1 for f in gating if f.key in expected),
        warnings=len(result.findings) - len(gating),
        omitted_findings=sum(case.omitted_findings for case in result.cases),
        stale=[BaselineKey(check=c, operation=o) for c, o in result.stale],
        harness_errors=[
            HarnessErrorEntry(case=c.id, suite=c.suite, message=c.error or "")
            for c in result.cases
            if c.status is Status.ERROR
        ],
        sdk_errors=sdk_error_table(result),
    )


def sdk_error_table(result: RunResult) -> list[SdkErrorRow]:
    """Rows in the order the situations were first judged; an SDK's cells in the order SDKs ran."""
    rows: dict[str, SdkErrorRow] = {}
    for case in result.cases:
        seen = case.sdk_error
        if seen is None:
            continue
        row = rows.setdefault(
            seen.situation,
            SdkErrorRow(situation=seen.situation, provokes=seen.provokes, statuses=seen.statuses, sdks={}),
        )
        row.sdks[seen.sdk] = SdkErrorCell(
            case=case.id, raised=seen.raised, status=seen.status, matches=seen.raised in seen.expected
        )
    return list(rows.values())


def sdk_error_skips(result: RunResult) -> list[str]:
    """Error flows that were skipped, once per reason: ``errors.no-auth, errors.wrong-auth: no --api-key …``."""
    by_reason: dict[str, list[str]] = {}
    for case in result.cases:
        name = case.id.rsplit("/", 1)[-1]
        if case.suite == "clients" and name.startswith("errors.") and case.status is Status.SKIP:
            by_reason.setdefault(case.reason or "skipped", []).append(name)
    return [f"{', '.join(dict.fromkeys(names))}: {reason}" for reason, names in by_reason.items()]


def sdk_error_columns(rows: list[SdkErrorRow]) -> list[str]:
    return list(dict.fromkeys(sdk for row in rows for sdk in row.sdks))


def restart_command(target: Target) -> str | None:
    """After an embedded run: the command that starts the same reference again, on the same port."""
    if not (target.embedded and target.server and target.version):
        return None
    port = httpx.URL(target.base_url).port
    return f"conformance reference start --server {target.server}=={target.version}" + (
        f" --port {port}" if port else ""
    )


def reproduction_setup(result: RunResult) -> list[str]:
    """``export`` lines for the variables the run's curl reproductions use (``core.reproduce``)."""
    commands = [f.reproduction for f in result.findings if f.reproduction]
    return shell_setup(result.target.base_url, commands)


def build_report(result: RunResult) -> Report:
    fields = {name: getattr(result, name) for name in RunResult.model_fields}
    return Report(**fields, summary=summarize(result))
