"""`conformance report merge`: the report folders of a run's shards (a CI matrix) joined into one run."""

from __future__ import annotations

from pathlib import Path

import click

from conformance.cli._console import err_console, out_console
from conformance.core.errors import UsageError
from conformance.core.results import Severity

__all__ = ["group"]


@click.group("report")
def group() -> None:
    """Work with the reports runs wrote (report.json and the rest)."""


@group.command("merge")
@click.argument("folders", nargs=-1, required=True, metavar="DIR...", type=click.Path(path_type=Path))
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("conformance-report"),
    show_default=True,
    help="Where the merged report.json, junit.xml, summary.md and report.html are written.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Known findings (YAML): expected ones do not fail the run. Default for an embedded reference's "
    "shards: its known findings, as `run` applies them.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the merged run's findings as a baseline file.",
)
@click.option(
    "--profile",
    default=None,
    metavar="ID|DIR",
    help="The profile folder the shards judged by, when it is a user profile (a built-in one is found by id).",
)
@click.option("--allow-stale", is_flag=True, help="Do not fail when baselined findings no longer occur.")
@click.option(
    "--fail-on",
    type=click.Choice([s.value.lower() for s in Severity]),
    default=None,
    help="Lowest severity that fails the run: the shards' own (the default); another one is refused, as their "
    "cases were judged by theirs.",
)
@click.pass_context
def merge(
    ctx: click.Context,
    /,
    folders: tuple[Path, ...],
    *,
    report_dir: Path,
    baseline: Path | None,
    write_baseline: Path | None,
    profile: str | None,
    allow_stale: bool,
    fail_on: str | None,
) -> None:
    """Merge the reports of the shards of one run (the --report-dir of each `--shard i/n` job) into the
    reports of the whole run, and gate it once: the baseline, stale entries and the exit code.

    \b
    Each DIR holds the report.json a shard wrote. The shards must be the n slices of one run (the same
    target, profile, seed and options), each given once, none missing.

    \b
    Exit codes: 0 conformant (or only baselined findings), 1 unexpected findings or a stale baseline
    entry, 2 a DIR without a readable report.json, or shards that are not the n slices of one run,
    3 a shard's harness could not judge (its error cases are in the reports).
    """
    from conformance.cli._judge import reference_known_findings
    from conformance.reports import read_report, render_terminal_summary, write_reports
    from conformance.runner.baseline import load_baseline
    from conformance.runner.baseline import write_baseline as save_baseline
    from conformance.runner.shards import ShardReport, merge_shards

    known = load_baseline(baseline).keys if baseline is not None else None  # a bad file: exit 2 before reading
    shards = [ShardReport(source=str(folder / "report.json"), result=read_report(folder)) for folder in folders]
    if profile is not None:
        from conformance.spec.profile_folder import resolve_profile

        given = resolve_profile(profile).id  # a user profile folder is loaded, so the shards' id is known
        if given != shards[0].result.target.profile:
            raise UsageError(f"--profile {profile}: the shards judged by profile {shards[0].result.target.profile!r}")
    target = shards[0].result.target
    if known is None and write_baseline is None and target.embedded and target.server and target.version:
        release = f"{target.server}=={target.version}"
        reference = reference_known_findings(release)
        if reference is not None:
            err_console.print(f"applying the known findings of {release} ({reference})")
            known, allow_stale = load_baseline(reference).keys, True
    gate = Severity(fail_on.upper()) if fail_on is not None else None
    result = merge_shards(shards, baseline=known or (), allow_stale=allow_stale, fail_on=gate)
    err_console.print(f"merged {len(shards)} shard{'s' if len(shards) != 1 else ''} of {target.label}")
    write_reports(result, report_dir)
    if write_baseline is not None:
        save_baseline(result, write_baseline)
    out_console.print(render_terminal_summary(result, report_dir))
    ctx.exit(int(result.exit_code))
