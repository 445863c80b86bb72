"""The flow `run` and `check` share: probe the target, execute suites, write reports, summarise."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from conformance.cli._console import err_console, out_console
from conformance.cli._reporter import CaseReporter
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import ConformanceError
from conformance.core.profiles import profile_for_release
from conformance.core.results import RunPlan, RunResult, Shard, Target, utc_now
from conformance.servers.reference.releases import RELEASES, get_release, profile_of

if TYPE_CHECKING:
    from conformance.cli._options import GateOptions
    from conformance.core.profiles import Profile
    from conformance.runner.base import Suite

__all__ = ["judge", "reference_known_findings"]


def reference_known_findings(release_id: str) -> Path | None:
    """The known findings of a reference release (its profile's file), when it has them: `run` applies
    them to the embedded reference it judges, and `report merge` to such a run's shards, when the user
    names no baseline of their own. The reference's deviations are upstream's: listed, never failing; a
    run with other settings may not meet every entry, so unmet entries are allowed (``--allow-stale``)."""
    release = RELEASES.get(release_id)
    known = profile_of(release).known_findings if release is not None else None
    return known if known is not None and known.is_file() else None


def judge(
    settings: ClientSettings,
    *,
    profile: str | None,
    release: str | None,
    suites: Callable[[Profile], Sequence[Suite]],
    gate: GateOptions,
    apis: tuple[str, ...] = (),
    shard: Shard | None = None,
    plan: RunPlan | None = None,
) -> RunResult:
    """Probe the target, execute the suites, write the reports and print the terminal summary.

    ``release`` is set when the target is an embedded reference started by this process; ``suites``
    builds the suites once the profile is known (given, or detected from the server's version);
    ``apis`` (``--api``) limits every suite to those API groups of the profile; ``shard`` (``--shard``)
    to its slice of their cases; ``plan`` is what the run was asked to judge, recorded in report.json.
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
        shard=shard,
        plan=plan,
    )
    server = get_release(release).server if release else None
    embedded_profile = profile_for_release(release) if release else None
    profile_id = profile or (embedded_profile.id if embedded_profile else None)
    target = Target(base_url=settings.base_url, profile=profile_id or "unknown", embedded=release is not None)
    reporter = CaseReporter(
        verbose=gate.verbose, known=frozenset(known), fail_on=gate.fail_on, live=not gate.no_progress
    )
    started = utc_now()
    try:
        with TargetClient(settings) as client, reporter:
            target, resolved = probe_target(client, profile_id=profile_id, server=server, embedded=release is not None)
            selected_apis = resolved.select_apis(apis)  # a detected profile may lack a named API: exit 2
            sliced = f", shard {shard.label} (`conformance report merge` joins the shards)" if shard else ""
            err_console.print(f"judging {target.label} against profile {resolved.id}{sliced}")
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
            result = execute(chosen, ctx, baseline=known, allow_stale=gate.allow_stale, on_case=reporter,
                             progress=reporter)  # fmt: skip
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
