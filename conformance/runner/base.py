"""Suites and their execution.

A suite is a named producer of :class:`CaseResult` objects. The runner executes suites against one
target and assembles a :class:`RunResult`; it turns a harness exception inside a case into an
``error`` case (the harness broke) and never into a ``fail`` (the server broke the contract).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Protocol

from conformance import __version__
from conformance.core.client import TargetClient
from conformance.core.errors import ConformanceError
from conformance.core.profiles import Profile
from conformance.core.results import (
    CaseResult,
    Finding,
    ReplayDetails,
    RunPlan,
    RunResult,
    Severity,
    Shard,
    Status,
    Target,
    utc_now,
)
from conformance.runner.blocked import BlockedError
from conformance.runner.caps import FindingCaps

__all__ = [
    "CaseRecorder",
    "EventSink",
    "RunContext",
    "RunOptions",
    "RunProgress",
    "Suite",
    "aborted_result",
    "apply_baseline",
    "case_status",
    "disabled_case",
    "execute",
    "judges",
    "selected",
]

EventSink = Callable[[CaseResult], None]
"""Called once per finished case, in order (progress display, streaming reporters)."""


class RunProgress(Protocol):
    """Told what a run is doing while it runs (the live display of the CLI); every call is cheap."""

    def suite_started(self, suite: str) -> None: ...

    def suite_finished(self, suite: str, seconds: float) -> None: ...

    def working_on(self, what: str) -> None:
        """What the current suite is judging now: an operation, a case id, ``GET /v1/models (3/40)``."""
        ...

    def units(self, done: int, total: int) -> None:
        """How far the current suite is: ``done`` of its ``total`` units (scenarios, recordings, an
        operation in one Schemathesis phase, an SDK's flows); a suite that never says is shown without
        a total."""
        ...


class CaseAdjuster(Protocol):
    """Re-weighs a finished case (``--severity-levels``); see :mod:`conformance.runner.severity_levels`."""

    def apply(self, case: CaseResult, fail_on: Severity) -> CaseResult: ...


@dataclass(frozen=True)
class RunOptions:
    fail_on: Severity = Severity.SHOULD
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    severity_levels: CaseAdjuster | None = None
    """The user's own levels for rules, applied to every case as it finishes."""
    apis: tuple[str, ...] = ()
    """The API groups ``--api`` named (empty: all of them); cases that call others are ``disabled``."""
    max_run_time_s: float | None = None
    """``--max-run-time``: past it no case is started; what was not run is one error case per suite."""
    shard: Shard | None = None
    """``--shard i/n``: every suite judges only its units of this slice (:meth:`RunContext.in_shard`)."""
    plan: RunPlan | None = None
    """What the run was asked to judge, recorded in its result (``report merge`` compares shards by it)."""


@dataclass
class RunContext:
    """What every suite gets: the client bound to the target, the profile and the options."""

    client: TargetClient
    profile: Profile
    target: Target
    options: RunOptions = field(default_factory=RunOptions)

    blocked: list[BlockedError] = field(default_factory=list)
    """What the server broke that stopped later cases, each once, in the order met."""
    ends_at: float | None = None
    """``time.monotonic()`` past which the run starts no case (``--max-run-time``); set by :func:`execute`."""
    progress: RunProgress | None = None
    """Who is told what the run is working on; set by :func:`execute`."""

    def working_on(self, what: str) -> None:
        """Say what the current suite judges now (shown by a live display; nothing without one)."""
        if self.progress is not None:
            self.progress.working_on(what)

    def units(self, done: int, total: int) -> None:
        """Say how far the current suite is (``done`` of ``total`` units; a live display's bar)."""
        if self.progress is not None:
            self.progress.units(done, total)

    def time_left(self) -> float | None:
        """Seconds before ``--max-run-time`` is reached (never below 0); ``None`` without a limit."""
        return None if self.ends_at is None else max(0.0, self.ends_at - time.monotonic())

    def in_shard[T](self, units: Sequence[T], key: Callable[[T], str]) -> list[T]:
        """The units this run judges under ``--shard`` (:meth:`Shard.slice`, by ``key``); all without it.

        Each suite slices its own units by a stable key, whole: a unit whose cases depend on one another
        (a scenario's steps, a recording's interactions, the probes a summary judges) is one unit."""
        shard = self.options.shard
        return list(units) if shard is None else shard.slice(units, key)

    def wants(self, case_id: str, operation: str | None = None) -> bool:
        """Whether ``--include``/``--exclude`` select this case; suites ask before doing the work."""
        return selected(case_id, operation, self.options)

    def unselected(self, *operations: str) -> str | None:
        """Why a case that calls ``operations`` is disabled by ``--api``; ``None`` when it may run.

        Each operation's API group comes from the profile (:meth:`Profile.api_of`); ``models`` is
        always selected (:data:`conformance.core.profiles.IMPLIED_APIS`)."""
        if not self.options.apis:
            return None
        selected_apis = self.profile.select_apis(self.options.apis)
        missing = sorted({self.profile.api_of(op) for op in operations} - selected_apis)
        if not missing:
            return None
        return f"API {', '.join(missing)} not selected by --api {','.join(self.options.apis)}"

    def not_in_spec(self, *operations: str) -> str | None:
        """Why a check-suite case that calls ``operations`` (``METHOD /templated/path``) is disabled:
        the profile's spec has no such operation, so the profile does not claim it (a user's profile
        for a gateway with Chat Completions and its own endpoints has no Responses). ``None`` when
        every operation is in the spec, or the spec cannot be read (the suites report that)."""
        from conformance.spec.loader import load_spec
        from conformance.spec.operations import spec_operation

        try:
            spec = load_spec(self.profile.id)
        except ConformanceError:
            return None
        missing = [operation for operation in operations if spec_operation(spec, operation) is None]
        if not missing:
            return None
        return f"the {self.profile.id} spec has no {', '.join(missing)}"

    def lacks_in_spec(self, *needs: str) -> str | None:
        """Why a check-suite case whose request sends what ``needs`` names (request fields, literal
        values: ``conformance.spec.features``) is disabled: the profile's spec does not have them (a
        gateway's chat completions without ``tools``). ``None`` when it has them all, or the spec
        cannot be read (the suites report that)."""
        from conformance.spec.features import spec_has
        from conformance.spec.loader import load_spec

        if not needs:
            return None
        try:
            spec = load_spec(self.profile.id)
        except ConformanceError:
            return None
        missing = [need for need in needs if not spec_has(spec, need)]
        if not missing:
            return None
        return f"the {self.profile.id} spec has no {', '.join(missing)}"

    def judges(self, operation: str) -> bool:
        """Whether ``--api`` lets this run judge a finding's operation in full (see :func:`judges`)."""
        return judges(self.profile, self.options.apis, operation)

    def note_blocked(self, exc: BlockedError) -> str:
        """Remember what blocked a case (its finding is reported once, ahead of it); the skip reason."""
        if all(known.case_id != exc.case_id for known in self.blocked):
            self.blocked.append(exc)
        return exc.reason


def judges(profile: Profile, apis: tuple[str, ...], operation: str) -> bool:
    """Whether a run limited to ``apis`` (``--api``; empty: all) judges a finding's operation in full
    (``METHOD /path``, a replay step ``<scenario>/<step>``, or a summary over many cases such as ``all
    error probes``): a baselined finding of an API left out is not stale, nor is a summary's, which saw
    only the selected APIs' cases (a mix of error envelopes across APIs cannot show within one)."""
    if not apis:
        return True
    method, _, path = operation.partition(" ")
    if method.isupper() and path.startswith("/"):
        missing = {profile.api_of(operation)} - profile.select_apis(apis)
        return not missing
    from conformance.scenarios import scenarios_for

    name = operation.split("/", 1)[0]
    scenario = next((s for s in scenarios_for(profile) if s.id == name), None)
    return scenario is not None and scenario.apis <= profile.select_apis(apis)


class Suite(Protocol):
    @property
    def name(self) -> str: ...

    def run(self, ctx: RunContext) -> Iterable[CaseResult]: ...


def case_status(findings: Sequence[Finding], fail_on: Severity) -> Status:
    """``fail`` when any finding is at or above ``fail_on``, else ``pass`` (lesser findings are warnings)."""
    return Status.FAIL if any(f.severity.rank >= fail_on.rank for f in findings) else Status.PASS


class CaseRecorder:
    """Builds one case: times it, collects findings and maps harness errors to ``error``.

    Usage::

        with CaseRecorder("smoke/models/list", suite="smoke", operation="GET /v1/models") as case:
            case.add(finding)
        yield case.result(fail_on)
    """

    def __init__(
        self, case_id: str, *, suite: str, operation: str | None = None, ctx: RunContext | None = None
    ) -> None:
        self.case_id = case_id
        self.ctx = ctx
        """Where a :class:`BlockedError` met inside the case is noted (its finding must reach the run)."""
        self.suite = suite
        self.operation = operation
        self.findings: list[Finding] = []
        self.omitted = 0
        """Findings the case counted but did not build (past the caps of :mod:`conformance.runner.caps`)."""
        self.error: str | None = None
        self.skip_reason: str | None = None
        self.check_id: str | None = None
        """The check the case judges, when it judges exactly one."""
        self.replay: ReplayDetails | None = None
        self._started = time.perf_counter()
        self._duration = 0.0

    def __enter__(self) -> CaseRecorder:
        if self.ctx is not None:
            self.ctx.working_on(self.operation or self.case_id)
        self._started = time.perf_counter()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> bool:
        self._duration = time.perf_counter() - self._started
        if isinstance(exc, BlockedError):
            self.skip_reason = self.ctx.note_blocked(exc) if self.ctx is not None else exc.reason
            return True
        if isinstance(exc, ConformanceError):
            self.error = exc.message
            return True
        return False

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def skip(self, reason: str) -> None:
        self.skip_reason = reason

    def result(self, fail_on: Severity) -> CaseResult:
        if self.error is not None:
            status = Status.ERROR
        elif self.skip_reason is not None and not self.findings:
            status = Status.SKIP
        else:
            status = case_status(self.findings, fail_on)
        return CaseResult(
            id=self.case_id,
            suite=self.suite,
            operation=self.operation,
            status=status,
            duration_s=round(self._duration, 4),
            findings=tuple(self.findings),
            omitted_findings=self.omitted,
            error=self.error,
            reason=self.skip_reason,
            check_id=self.check_id,
            replay=self.replay,
        )


def disabled_case(
    case_id: str,
    *,
    suite: str,
    operation: str | None,
    reason: str,
    check_id: str | None = None,
    replay: ReplayDetails | None = None,
) -> CaseResult:
    """A case that was not run by choice (``--api``, a profile without the API): nothing was sent."""
    return CaseResult(
        id=case_id,
        suite=suite,
        operation=operation,
        status=Status.DISABLED,
        reason=reason,
        check_id=check_id,
        replay=replay,
    )


def selected(case_id: str, operation: str | None, options: RunOptions) -> bool:
    """Glob patterns match either the case id or the operation (``'POST /v1/responses'``)."""
    names = [case_id, operation or ""]
    if options.include and not any(fnmatchcase(n, p) for p in options.include for n in names):
        return False
    return not any(fnmatchcase(n, p) for p in options.exclude for n in names)


def _out_of_time(suite: Suite, ctx: RunContext, what: str) -> CaseResult:
    return CaseResult(
        id=f"{suite.name}/out-of-time",
        suite=suite.name,
        status=Status.ERROR,
        error=f"{what}: the run reached --max-run-time ({ctx.options.max_run_time_s:g}s)",
    )


def _iter_cases(suites: Sequence[Suite], ctx: RunContext) -> Iterator[CaseResult]:
    for suite in suites:
        started = time.perf_counter()
        if ctx.progress is not None:
            ctx.progress.suite_started(suite.name)
        yield from _suite_cases(suite, ctx, started)
        if ctx.progress is not None:
            ctx.progress.suite_finished(suite.name, time.perf_counter() - started)


def _suite_cases(suite: Suite, ctx: RunContext, started: float) -> Iterator[CaseResult]:
    if ctx.time_left() == 0:
        yield _out_of_time(suite, ctx, f"the {suite.name} suite was not run")
        return
    cases = iter(suite.run(ctx))
    try:
        for case in cases:
            yield case
            if ctx.time_left() == 0:
                yield _out_of_time(suite, ctx, f"the rest of the {suite.name} suite was not run")
                break
    except BlockedError as exc:
        yield CaseResult(id=f"{suite.name}/blocked", suite=suite.name, status=Status.SKIP, reason=ctx.note_blocked(exc))
    except ConformanceError as exc:
        # The suite could not go on (e.g. the server went away): one error case says so.
        yield CaseResult(
            id=f"{suite.name}/harness",
            suite=suite.name,
            status=Status.ERROR,
            error=exc.message,
            duration_s=round(time.perf_counter() - started, 4),
        )
    finally:
        close = getattr(cases, "close", None)
        if close is not None:
            close()  # a generator cut short runs its clean-up (deleting what its scenario created)


def execute(
    suites: Sequence[Suite],
    ctx: RunContext,
    *,
    baseline: Iterable[tuple[str, str]] = (),
    allow_stale: bool = False,
    on_case: EventSink | None = None,
    progress: RunProgress | None = None,
) -> RunResult:
    """Run ``suites`` in order against ``ctx.target`` and apply the known-failures ``baseline``.

    Each case is re-weighed by ``--severity-levels``, then cut to the caps (:mod:`conformance.runner.caps`);
    ``on_case`` sees each as it finishes, ``progress`` when each suite starts and ends and what it works on."""
    started = utc_now()
    if progress is not None:
        ctx.progress = progress
    if ctx.options.max_run_time_s is not None and ctx.ends_at is None:
        ctx.ends_at = time.monotonic() + ctx.options.max_run_time_s
    cases: list[CaseResult] = []
    levels = ctx.options.severity_levels
    caps = FindingCaps()
    reported = 0
    for produced in _iter_cases(suites, ctx):
        # What blocked a case is reported first, once, whatever --include/--exclude select.
        blockers, reported = [b.case() for b in ctx.blocked[reported:]], len(ctx.blocked)
        wanted = [produced] if selected(produced.id, produced.operation, ctx.options) else []
        for found in [*blockers, *wanted]:
            case = caps.apply(levels.apply(found, ctx.options.fail_on) if levels is not None else found)
            cases.append(case)
            if on_case:
                on_case(case)
    shard = ctx.options.shard
    baselined, stale = apply_baseline(cases, baseline, ctx.judges)
    return RunResult(
        suite_version=__version__,
        target=ctx.target,
        plan=ctx.options.plan,
        shard=shard,
        started_at=started,
        finished_at=utc_now(),
        cases=tuple(cases),
        baselined=baselined,
        # One shard cannot tell a stale entry: another shard may meet it. `report merge` judges staleness.
        stale=stale if shard is None or shard.count == 1 else (),
        allow_stale=allow_stale,
        fail_on=ctx.options.fail_on,
        omitted_findings=caps.by_check(),
    )


def apply_baseline(
    cases: Iterable[CaseResult], baseline: Iterable[tuple[str, str]], judged: Callable[[str], bool]
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """``(baselined, stale)``: the baseline's keys the cases' findings met, and those they did not meet
    on an operation the run judged in full (``judged``: :func:`judges` for its profile and APIs), sorted."""
    expected = set(baseline)
    seen = {f.key for case in cases for f in case.findings}
    stale = sorted(key for key in expected - seen if judged(key[1]))
    return tuple(sorted(expected & seen)), tuple(stale)


def aborted_result(
    target: Target, cases: Sequence[CaseResult], message: str, *, started: datetime, options: RunOptions
) -> RunResult:
    """The result of a run an error ended early (the server failed the first probe, say): the cases
    finished before it and one ``run/aborted`` error case carrying the message, so that the reports are
    written and say what broke."""
    aborted = CaseResult(id="run/aborted", suite="run", status=Status.ERROR, error=message)
    return RunResult(
        suite_version=__version__,
        target=target,
        plan=options.plan,
        shard=options.shard,
        started_at=started,
        finished_at=utc_now(),
        cases=(*cases, aborted),
        fail_on=options.fail_on,
    )
