"""`conformance replay`: replay recorded cassettes against a server and classify the differences."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from conformance.cli._console import err_console, out_console
from conformance.cli._options import client_settings, report_options, target_options
from conformance.core.errors import UsageError
from conformance.core.results import CaseResult, Severity, Status, Target

__all__ = ["command"]

_STYLE = {Status.PASS: "green", Status.FAIL: "red", Status.ERROR: "magenta", Status.SKIP: "yellow"}


class _Printer:
    """One line per scenario verdict; interactions when they fail or error (every one with --verbose)."""

    def __init__(self, *, verbose: bool) -> None:
        self.verbose = verbose

    def __call__(self, case: CaseResult) -> None:
        is_verdict = "step" not in case.details
        if not (is_verdict or self.verbose or case.status in (Status.FAIL, Status.ERROR)):
            return
        style = _STYLE.get(case.status, "dim")
        detail = case.error or (case.findings[0].message if case.findings else str(case.details.get("verdict", "")))
        indent = "" if is_verdict else "  "
        err_console.print(
            f"{indent}[{style}]{case.status.value:>5}[/] {escape(case.id)}  [dim]{escape(detail[:150])}[/]"
        )


def _target_name(target: Target) -> str:
    """``ogx 1.5.0``: the server family of the release line its version belongs to, and the version."""
    from conformance.runner.target import detect_profile

    try:
        family = detect_profile(target.version).reference.split("==", 1)[0]
        return f"{family} {target.version}"
    except UsageError:
        return target.label.split(" at ")[0]


@click.command("replay")
@target_options(base_url_required=True)
@click.option(
    "--strictness",
    type=click.Choice(["schema", "values"]),
    default="schema",
    show_default=True,
    help="schema: compare shapes (keys, types, enums, events); values: every value but ids and timestamps.",
)
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    metavar="NAME",
    help="Only cassettes whose scenario id matches this glob (repeatable).",
)
@click.option(
    "--recordings",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory holding <profile>/<scenario>.yaml (default: the committed recordings/).",
)
@click.option(
    "--compat-summary",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a Markdown compatibility summary here (what `nox -s compat` commits under docs/).",
)
@report_options
@click.pass_context
def command(
    ctx: click.Context,
    base_url: str,
    profile: str | None,
    api_key: str | None,
    headers: tuple[str, ...],
    timeout: float,
    strictness: str,
    scenarios: tuple[str, ...],
    recordings: Path | None,
    compat_summary: Path | None,
    report_dir: Path,
    baseline: Path | None,
    write_baseline: Path | None,
    allow_stale: bool,
    fail_on: str,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    verbose: bool = False,
) -> None:
    """Replay a profile's cassettes against a server and report breaking, additive and value-only differences.

    Ids the recording obtained from the server are bound to the target's own ids. Breaking
    differences exit 1; a malformed cassette exits 2 before anything is sent.
    """
    from conformance.cassettes import load_profile_cassettes, recordings_dir
    from conformance.core.client import TargetClient
    from conformance.diff import Strictness
    from conformance.diff.summary import render_compat_summary
    from conformance.reports import render_terminal_summary, write_reports
    from conformance.runner.base import RunContext, RunOptions, execute
    from conformance.runner.baseline import load_baseline
    from conformance.runner.baseline import write_baseline as save_baseline
    from conformance.runner.replay import ReplaySuite
    from conformance.runner.target import probe_target

    directory = recordings or recordings_dir()
    settings = client_settings(base_url, api_key, headers, timeout)
    # With --profile the cassettes are read first: a malformed one is exit 2 before any request.
    cassettes = load_profile_cassettes(directory, profile, scenarios) if profile else None
    known = load_baseline(baseline).keys if baseline else ()
    options = RunOptions(fail_on=Severity(fail_on.upper()), include=include, exclude=exclude)
    with TargetClient(settings) as client:
        target, resolved = probe_target(client, profile_id=profile)
        if cassettes is None:
            cassettes = load_profile_cassettes(directory, resolved.id, scenarios)
        suite = ReplaySuite(resolved, strictness=Strictness(strictness), cassettes=cassettes)
        err_console.print(f"replaying {len(cassettes)} {resolved.id} cassettes against {target.label} ({strictness})")
        run_ctx = RunContext(client=client, profile=resolved, target=target, options=options)
        result = execute([suite], run_ctx, baseline=known, allow_stale=allow_stale, on_case=_Printer(verbose=verbose))
    write_reports(result, report_dir)
    if write_baseline:
        save_baseline(result, write_baseline)
    if compat_summary:
        name = _target_name(target)
        title = f"Compatibility: {resolved.id} recordings vs {name}"
        compat_summary.parent.mkdir(parents=True, exist_ok=True)
        text = render_compat_summary(
            result, title=title, recordings=resolved.id, strictness=strictness, target_name=name
        )
        compat_summary.write_text(text, encoding="utf-8")
    out_console.print(render_terminal_summary(result, report_dir))
    ctx.exit(int(result.exit_code))
