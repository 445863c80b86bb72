"""The flow `run` and `check` share: probe the target, execute suites, write reports, summarise."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.markup import escape

from conformance.cli._console import err_console, out_console
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import ConformanceError
from conformance.core.limits import HUNG_MARK
from conformance.core.profiles import profile_for_release
from conformance.core.results import CaseResult, RunResult, Status, Target, utc_now
from conformance.servers.reference.releases import get_release

if TYPE_CHECKING:
    from conformance.cli._options import GateOptions
    from conformance.core.profiles import Profile
    from conformance.runner.base import Suite

__all__ = ["judge"]

_STATUS_STYLE = {
    Status.PASS: "green",
    Status.FAIL: "red",
    Status.ERROR: "magenta",
    Status.SKIP: "yellow",
    Status.DISABLED: "dim",
}


class CaseReporter:
    """Prints failing and erroring cases as they finish (every case with ``verbose``), and keeps a
    live count on a terminal so a long property run visibly progresses."""

    def __init__(self, *, verbose: bool, known: frozenset[tuple[str, str]] = frozenset()) -> None:
        self.verbose = verbose
        self.known = known
        """Baselined (check, operation) keys: a failing case whose findings are all known says ``known``."""
        self.count = 0
        self.cases: list[CaseResult] = []
        """Every case finished so far (the reports of a run cut short by an error show them)."""
        self.not_sent = 0
        """Cases that erred because the server was deemed hung: the first is printed, the rest counted."""
        self._status = err_console.status("starting") if err_console.is_terminal else None

    def __enter__(self) -> CaseReporter:
        if self._status is not None:
            self._status.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.stop()
        if self.not_sent > 1:
            more = self.not_sent - 1
            err_console.print(f"[magenta]   error[/] [dim]{more} more cases not sent: the server is hung[/]")

    def __call__(self, case: CaseResult) -> None:
        self.count += 1
        self.cases.append(case)
        if self._status is not None:
            self._status.update(f"{self.count} cases judged, last: {case.id}")
        verdict = case.replay.verdict if case.replay is not None else None
        headline = verdict is not None  # e.g. a replayed scenario's overall verdict
        known = case.status is Status.FAIL and bool(case.findings) and all(f.key in self.known for f in case.findings)
        if case.error is not None and HUNG_MARK in case.error:
            self.not_sent += 1
            if self.not_sent > 1 and not self.verbose:
                return
        if not (self.verbose or headline or (case.status in (Status.FAIL, Status.ERROR) and not known)):
            return
        label, style = ("known", "dim") if known else (case.status.value, _STATUS_STYLE[case.status])
        line = f"[{style}]{label:>8}[/] {escape(case.id)}"
        detail = case.error or (case.findings[0].message if case.findings else verdict or "")
        if detail:
            line += f"  [dim]{escape(detail[:140])}[/]"
        err_console.print(line)


def judge(
    settings: ClientSettings,
    *,
    profile: str | None,
    release: str | None,
    suites: Callable[[Profile], Sequence[Suite]],
    gate: GateOptions,
    apis: tuple[str, ...] = (),
) -> RunResult:
    """Probe the target, execute the suites, write the reports and print the terminal summary.

    ``release`` is set when the target is an embedded reference started by this process; ``suites``
    builds the suites once the profile is known (given, or detected from the server's version);
    ``apis`` (``--api``) limits every suite to those API groups of the profile.
    """
    from conformance.reports import render_terminal_summary, write_reports
    from conformance.runner.base import RunContext, RunOptions, aborted_result, execute
    from conformance.runner.baseline import load_baseline
    from conformance.runner.baseline import write_baseline as save_baseline
    from conformance.runner.target import probe_target

    known = load_baseline(gate.baseline).keys if gate.baseline else ()
    options = RunOptions(
        fail_on=gate.fail_on,
        include=gate.include,
        exclude=gate.exclude,
        severity_levels=gate.severity_levels,
        apis=apis,
        max_run_time_s=gate.max_run_time,
    )
    server = get_release(release).server if release else None
    embedded_profile = profile_for_release(release) if release else None
    profile_id = profile or (embedded_profile.id if embedded_profile else None)
    target = Target(base_url=settings.base_url, profile=profile_id or "unknown", embedded=release is not None)
    reporter = CaseReporter(verbose=gate.verbose, known=frozenset(known))
    started = utc_now()
    try:
        with TargetClient(settings) as client, reporter:
            target, resolved = probe_target(client, profile_id=profile_id, server=server, embedded=release is not None)
            selected_apis = resolved.select_apis(apis)  # a detected profile may lack a named API: exit 2
            err_console.print(f"judging {target.label} against profile {resolved.id}")
            if gate.severity_levels is None and resolved.severity_levels.is_file():
                from conformance.runner.severity_levels import load_severity_levels, rule_ids

                err_console.print(f"applying the severity levels of profile {resolved.id} ({resolved.severity_levels})")
                options = replace(options, severity_levels=load_severity_levels(resolved.severity_levels, rule_ids()))
            if selected_apis:
                target = target.model_copy(update={"apis": tuple(sorted(selected_apis))})
                others = len(set(resolved.apis) - selected_apis)
                err_console.print(f"APIs: {', '.join(target.apis)} (the other {others} disabled)")
            chosen = suites(resolved)
            ctx = RunContext(client=client, profile=resolved, target=target, options=options)
            result = execute(chosen, ctx, baseline=known, allow_stale=gate.allow_stale, on_case=reporter)
    except Exception as exc:
        # The run ends here, but a CI step that reads the reports finds them saying what broke (the
        # cases judged so far and the error); the error itself is then reported as before.
        message = exc.message if isinstance(exc, ConformanceError) else f"internal error: {type(exc).__name__}: {exc}"
        cut_short = aborted_result(target, reporter.cases, message, started=started, options=options)
        write_reports(cut_short, gate.report_dir)
        raise
    write_reports(result, gate.report_dir)
    if gate.write_baseline:
        save_baseline(result, gate.write_baseline)
    out_console.print(render_terminal_summary(result, gate.report_dir))
    return result
