"""`conformance run`: every suite against a server, the embedded reference by default."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from conformance.cli._console import err_console, out_console, progress
from conformance.cli._options import client_settings, report_options, target_options
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import profile_for_release
from conformance.core.results import CaseResult, RunResult, Severity, Status
from conformance.servers.reference.releases import DEFAULT_RELEASE, RELEASES, get_release

if TYPE_CHECKING:
    from conformance.runner.base import RunOptions

# The runner (and through it schemathesis, jsonschema, the specs) is imported when a command runs,
# not when the CLI starts: `conformance model serve` is spawned for every reference start.

_STATUS_STYLE = {
    Status.PASS: "green",
    Status.FAIL: "red",
    Status.ERROR: "magenta",
    Status.SKIP: "yellow",
    Status.DISABLED: "dim",
}


@contextmanager
def _server(
    base_url: str | None, release: str, settings_args: dict[str, object]
) -> Iterator[tuple[ClientSettings, str | None]]:
    """Yields client settings for the target: the given URL, or an embedded reference started here."""
    if base_url:
        yield client_settings(base_url, **settings_args), None  # type: ignore[arg-type]
        return
    from conformance.servers.reference import reference_server

    release_id = get_release(release).id
    with progress(f"embedded reference {release_id}") as step, reference_server(release_id, progress=step) as ref:
        yield client_settings(ref.base_url, **settings_args), release_id  # type: ignore[arg-type]


def _print_case(case: CaseResult) -> None:
    style = _STATUS_STYLE[case.status]
    line = f"[{style}]{case.status.value:>5}[/] {case.id}"
    if case.status in (Status.FAIL, Status.ERROR):
        line += f"  [dim]{(case.error or case.findings[0].message)[:140]}[/]"
    err_console.print(line)


def run_and_report(
    settings: ClientSettings,
    *,
    profile: str | None,
    release: str | None,
    suites: tuple[str, ...],
    options: RunOptions,
    baseline: Path | None,
    write_baseline: Path | None,
    allow_stale: bool,
    report_dir: Path,
) -> RunResult:
    """Probe the target, execute the suites, write reports and the terminal summary."""
    from conformance.reports import render_terminal_summary, write_reports
    from conformance.runner.base import RunContext, execute
    from conformance.runner.baseline import load_baseline
    from conformance.runner.baseline import write_baseline as save_baseline
    from conformance.runner.suites import select_suites
    from conformance.runner.target import probe_target

    known = load_baseline(baseline).keys if baseline else ()
    server = get_release(release).server if release else None
    profile_id = profile or (profile_for_release(release).id if release else None)  # type: ignore[union-attr]
    with TargetClient(settings) as client:
        target, resolved = probe_target(client, profile_id=profile_id, server=server, embedded=release is not None)
        err_console.print(f"judging {target.label} against profile {resolved.id}")
        ctx = RunContext(client=client, profile=resolved, target=target, options=options)
        result = execute(
            select_suites(suites, resolved), ctx, baseline=known, allow_stale=allow_stale, on_case=_print_case
        )
    write_reports(result, report_dir)
    if write_baseline:
        save_baseline(result, write_baseline)
    out_console.print(render_terminal_summary(result, report_dir))
    return result


@click.command("run")
@target_options(base_url_required=False)
@click.option(
    "--server",
    "release",
    default=DEFAULT_RELEASE,
    show_default=True,
    metavar="NAME==VERSION",
    help=f"Embedded reference to start when no --base-url is given: {', '.join(RELEASES)}.",
)
@click.option(
    "--suite",
    "suites",
    multiple=True,
    metavar="NAME",
    help="Run only these suites (repeatable; default: all of them, in order).",
)
@report_options
@click.pass_context
def command(
    ctx: click.Context,
    base_url: str | None,
    profile: str | None,
    api_key: str | None,
    headers: tuple[str, ...],
    timeout: float,
    release: str,
    suites: tuple[str, ...],
    report_dir: Path,
    baseline: Path | None,
    write_baseline: Path | None,
    allow_stale: bool,
    fail_on: str,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
) -> None:
    """Run every suite against a server and write the reports.

    Without --base-url, starts the embedded default (a real OGX 1.5.0 backed by the deterministic
    model server), judges it and stops it again.
    """
    from conformance.runner.base import RunOptions

    options = RunOptions(fail_on=Severity(fail_on.upper()), include=include, exclude=exclude)
    settings_args = {"api_key": api_key, "headers": headers, "timeout": timeout}
    with _server(base_url, release, settings_args) as (settings, embedded_release):
        result = run_and_report(
            settings,
            profile=profile,
            release=embedded_release,
            suites=suites,
            options=options,
            baseline=baseline,
            write_baseline=write_baseline,
            allow_stale=allow_stale,
            report_dir=report_dir,
        )
    ctx.exit(int(result.exit_code))
