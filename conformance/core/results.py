"""Findings and results: the data every suite produces and every report reads.

Reports are pure functions of a :class:`RunResult`; nothing here knows how it was produced.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from conformance.core.errors import ExitCode

__all__ = [
    "CaseResult",
    "ClosestAnswer",
    "ErrorSummaryObservation",
    "Evidence",
    "Finding",
    "ReplayDetails",
    "ReplayDifference",
    "RunPlan",
    "RunResult",
    "SdkErrorObservation",
    "Severity",
    "Shard",
    "Status",
    "Target",
    "utc_now",
]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Severity(StrEnum):
    """How strongly the contract states a rule (RFC 2119 words)."""

    MUST = "MUST"
    SHOULD = "SHOULD"
    MAY = "MAY"

    @property
    def rank(self) -> int:
        return {"MAY": 0, "SHOULD": 1, "MUST": 2}[self.value]


class Status(StrEnum):
    """Outcome of one case, ordered ``disabled < skip < pass < fail < error``.

    ``fail`` means the server broke the contract; ``error`` means the harness, the network or
    the configuration broke and the case could not be judged.
    """

    DISABLED = "disabled"
    SKIP = "skip"
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _STATUS_ORDER.index(self)

    @classmethod
    def worst(cls, statuses: list[Status]) -> Status:
        return max(statuses, key=lambda s: s.rank, default=cls.SKIP)


_STATUS_ORDER = [Status.DISABLED, Status.SKIP, Status.PASS, Status.FAIL, Status.ERROR]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(_Frozen):
    """Excerpts of the exchange that shows a finding, with secrets already redacted."""

    request: str = Field(description="Request line, headers and a body excerpt.")
    response: str = Field(description="Status line, headers and a body excerpt.")


class Finding(_Frozen):
    """One broken rule, observed once."""

    check_id: str = Field(description="Stable id of the check or diff rule, e.g. 'responses-stream-first-event'.")
    severity: Severity
    operation: str = Field(description="'METHOD /path/template' or a scenario/interaction name.")
    message: str = Field(description="One line saying what was expected and what happened.")
    reproduction: str | None = Field(default=None, description="A curl command that reproduces it.")
    evidence: Evidence | None = None

    @property
    def key(self) -> tuple[str, str]:
        """Identity used by baselines: the same rule broken on the same operation."""
        return (self.check_id, self.operation)


class ReplayDifference(_Frozen):
    """One classified difference between a recorded answer and the target's (see docs/replay.md)."""

    rule: str = Field(description="Diff rule id, e.g. 'field-missing'.")
    level: str = Field(description="'breaking', 'additive' or 'value-only'.")
    path: str = Field(description="Where, e.g. 'body.output[0].status' or 'status'.")
    message: str


class ClosestAnswer(_Frozen):
    """When a target's answer matches none of its own recording: the recorded answer it is closest to."""

    interaction: str = Field(description="'<scenario>/<step>' of the closest recorded answer.")
    differences: str = Field(description="A one-line tally of what differs from it.")
    diff: str = Field(description="A unified diff against it.")


class ReplayDetails(_Frozen):
    """What a replay case judged: one interaction of a recording (``step`` set) or the whole scenario."""

    scenario: str
    step: str | None = Field(default=None, description="The interaction's step; null for the scenario's verdict.")
    verdict: str | None = Field(
        default=None,
        description="An interaction's worst level ('breaking', 'additive', 'value-only' or 'identical'); "
        "for a scenario, a one-line summary. Null when nothing was compared.",
    )
    counts: dict[str, int] | None = Field(
        default=None, description="Differences per level: a scenario's, or an interaction's (past the cap too)."
    )
    differences: tuple[ReplayDifference, ...] = ()
    omitted_differences: int = Field(
        default=0, description="Differences beyond the per-case cap (runner/caps.py), counted not kept."
    )
    diff: str | None = Field(default=None, description="A unified diff of recorded vs. target (redacted).")
    closest: ClosestAnswer | None = None


class ErrorSummaryObservation(_Frozen):
    """What the errors suite's summary cases saw the server do, whether or not it is consistent.

    Each maps what was seen to the names of the probes that saw it; each summary case carries its own.
    """

    invalid_body_statuses: dict[str, tuple[str, ...]] | None = Field(
        default=None, description="Status given to an invalid body ('400', '422') -> probes."
    )
    error_envelopes: dict[str, tuple[str, ...]] | None = Field(
        default=None, description="Error body shape ('{\"detail\": …} (FastAPI)', …) -> probes."
    )


class SdkErrorObservation(_Frozen):
    """A clients error-flow case: the class an SDK raised for a refusal the suite provoked, next to the
    classes the situation calls for (the report's SDK error table)."""

    sdk: str = Field(description="The SDK and its version, e.g. 'openai 3.57.0'.")
    situation: str = Field(description="The situation's id, e.g. 'unknown-id'.")
    provokes: str = Field(description="What was sent, e.g. 'retrieve a response id that does not exist'.")
    statuses: tuple[int, ...] = Field(default=(), description="The HTTP statuses the situation calls for, e.g. [404].")
    expected: tuple[str, ...] = Field(description="The classes this SDK raises for them, e.g. ['NotFoundError'].")
    raised: str | None = Field(description="The class the SDK raised; null when it raised nothing.")
    status: int | None = Field(default=None, description="The HTTP status the SDK's exception carried.")


class CaseResult(_Frozen):
    """The outcome of one named case (a hierarchical id like ``smoke/chat-completions/stream``)."""

    id: str
    suite: str
    operation: str | None = None
    status: Status
    duration_s: float = 0.0
    findings: tuple[Finding, ...] = ()
    omitted_findings: int = Field(
        default=0,
        description="Findings beyond the caps (per case, per check id in a run; runner/caps.py), counted not "
        "kept. The case keeps its status.",
    )
    error: str | None = Field(default=None, description="Why the harness could not judge (status 'error').")
    reason: str | None = Field(default=None, description="Why the case was skipped or disabled.")
    check_id: str | None = Field(
        default=None, description="The check this case judges, when it judges exactly one (the report's matrix column)."
    )
    replay: ReplayDetails | None = Field(default=None, description="Replay cases: the scenario, step and differences.")
    error_summary: ErrorSummaryObservation | None = Field(
        default=None, description="The errors suite's summary cases: what the server did across the probes."
    )
    sdk_error: SdkErrorObservation | None = Field(
        default=None, description="The clients suite's error-flow cases: the class the SDK raised vs. the expected."
    )


_DISPLAY_NAMES = {"ogx": "OGX", "llama-stack": "Llama Stack"}


class Target(_Frozen):
    """The server under test."""

    base_url: str
    profile: str
    server: str | None = Field(default=None, description="Server name, e.g. 'ogx' or 'llama-stack'.")
    version: str | None = Field(default=None, description="Server version from /v1/version when it answers.")
    embedded: bool = Field(default=False, description="True when the suite started the server itself.")
    apis: tuple[str, ...] = Field(
        default=(),
        description="The API groups judged (--api, with the always-selected models), sorted; empty: every API "
        "of the profile. Cases of the other APIs are disabled.",
    )

    @property
    def name(self) -> str:
        """``OGX 1.5.0``: the server family as people write it, and the version it reports."""
        family = _DISPLAY_NAMES.get(self.server, self.server) if self.server else None
        return " ".join(p for p in (family, self.version) if p) or "unknown server"

    @property
    def label(self) -> str:
        return f"{self.name} at {self.base_url}"


class Shard(_Frozen):
    """``--shard i/n``: the i-th of n slices of a run's cases, each judged by one job of a CI matrix.

    Every suite lists its units (an operation, a recording, a check situation, an SDK flow) by a stable
    key and keeps :meth:`slice` of them, so the n shards together judge each unit of the unsharded run
    exactly once; ``conformance report merge`` joins their reports."""

    index: int = Field(ge=1, description="Which slice, from 1.")
    count: int = Field(ge=1, description="How many slices the run was cut into.")

    @model_validator(mode="after")
    def _index_within_count(self) -> Shard:
        if self.index > self.count:
            raise ValueError(f"shard {self.index}/{self.count}: i must be at most n")
        return self

    @property
    def label(self) -> str:
        return f"{self.index}/{self.count}"

    def slice[T](self, units: Sequence[T], key: Callable[[T], str]) -> list[T]:
        """The units of this shard, in their own order. Units that share a key stay together (the
        operations of one resource); each key goes, the largest groups first (then by key), to the
        shard with the fewest units so far (the first of those): distinct keys are dealt round-robin
        in sorted order, and the slices depend on nothing but the keys."""
        sizes = Counter(key(unit) for unit in units)
        loads = [0] * self.count
        mine: set[str] = set()
        for name in sorted(sizes, key=lambda name: (-sizes[name], name)):
            lightest = loads.index(min(loads))
            loads[lightest] += sizes[name]
            if lightest == self.index - 1:
                mine.add(name)
        return [unit for unit in units if key(unit) in mine]


class RunPlan(_Frozen):
    """What a run was asked to judge and how, beyond its target: the shards of one run share all of it,
    and ``conformance report merge`` refuses shards whose plans differ."""

    command: str = Field(description="The command that ran it, e.g. 'run' or 'check'.")
    suites: tuple[str, ...] = Field(description="The suites selected, in run order.")
    seed: int | None = Field(default=None, description="The property suite's generation seed.")
    max_examples: int | None = Field(default=None, description="The property suite's examples per operation.")
    phases: tuple[str, ...] = Field(default=(), description="The property suite's Schemathesis phases.")
    disabled_checks: tuple[str, ...] = Field(default=(), description="Schemathesis checks turned off, sorted.")
    spec: str | None = Field(default=None, description="The --spec file the property suite was driven from.")
    clients: tuple[str, ...] = Field(default=(), description="--client: SDK requirements judged instead.")
    include: tuple[str, ...] = Field(default=(), description="--include patterns.")
    exclude: tuple[str, ...] = Field(default=(), description="--exclude patterns.")


class RunResult(_Frozen):
    """Everything one invocation found. ``report.json`` is this model serialized."""

    schema_version: int = 2
    suite_version: str
    target: Target
    plan: RunPlan | None = Field(
        default=None, description="What the run was asked to judge (null for a command that records none)."
    )
    shard: Shard | None = Field(
        default=None, description="The slice of the run these cases are (--shard i/n); null for a whole run."
    )
    started_at: datetime
    finished_at: datetime
    cases: tuple[CaseResult, ...]
    baselined: tuple[tuple[str, str], ...] = Field(
        default=(), description="(check id, operation) keys of findings that the baseline expected."
    )
    stale: tuple[tuple[str, str], ...] = Field(default=(), description="Baseline keys that no longer occur.")
    allow_stale: bool = False
    fail_on: Severity = Field(default=Severity.SHOULD, description="Findings at or above this severity fail the run.")
    omitted_findings: dict[str, int] = Field(
        default_factory=dict,
        description="Check id -> findings of it beyond the caps, counted not kept (the sum of the cases' "
        "omitted_findings).",
    )

    @property
    def findings(self) -> list[Finding]:
        return [f for case in self.cases for f in case.findings]

    def gates(self, finding: Finding) -> bool:
        """True when this finding is severe enough to fail the run."""
        return finding.severity.rank >= self.fail_on.rank

    @property
    def unexpected_findings(self) -> list[Finding]:
        """Gating findings the baseline did not expect: these make the run exit 1."""
        expected = set(self.baselined)
        return [f for f in self.findings if self.gates(f) and f.key not in expected]

    def counts(self) -> dict[Status, int]:
        counter = Counter(case.status for case in self.cases)
        return {status: counter.get(status, 0) for status in _STATUS_ORDER}

    @property
    def exit_code(self) -> ExitCode:
        """0 conformant, 1 unexpected failures or stale baseline, 3 the harness could not judge."""
        if any(case.status is Status.ERROR for case in self.cases):
            return ExitCode.HARNESS
        if self.unexpected_findings:
            return ExitCode.FAILURES
        if self.stale and not self.allow_stale:
            return ExitCode.FAILURES
        return ExitCode.OK
