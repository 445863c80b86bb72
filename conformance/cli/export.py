"""`conformance export`: write (or check) the profiles' OpenAPI specs from their protocol definitions."""

from __future__ import annotations

from pathlib import Path

import click

from conformance.cli._console import err_console, out_console, progress
from conformance.core.errors import ExitCode, UsageError
from conformance.core.profiles import PROFILES, openapi_dir

__all__ = ["command"]


@click.command("export")
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    type=click.Choice(list(PROFILES)),
    help="Profile to export (repeatable).",
)
@click.option("--all", "all_profiles", is_flag=True, help="Export every profile.")
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the specs and their README go (default: the source tree's openapi/).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a committed file differs from a fresh export.")
def command(profiles: tuple[str, ...], all_profiles: bool, output_dir: Path | None, check: bool) -> int:
    """Export a profile's OpenAPI spec from its protocol definitions.

    Installs the release's definitions package into a cached environment (once), exports its API
    there, repairs and completes the document, validates it and writes openapi/<profile>.yaml
    (sorted, byte-identical on every run) and openapi/README.md.
    """
    from conformance.spec.export import check_outputs, export_profile, write_outputs

    if all_profiles and profiles:
        raise UsageError("give either --profile or --all, not both")
    selected = list(PROFILES) if all_profiles else list(dict.fromkeys(profiles))
    if not selected:
        raise UsageError("choose what to export: --profile PROFILE (repeatable) or --all")
    target = output_dir or openapi_dir()
    exported = []
    for profile_id in selected:
        with progress(f"export {profile_id}") as step:
            exported.append(export_profile(profile_id, step))
    if not check:
        for path in write_outputs(exported, target):
            out_console.print(f"wrote {path}")
        return int(ExitCode.OK)
    mismatches = check_outputs(exported, target)
    for mismatch in mismatches:
        err_console.print(f"[red]{mismatch.path} differs from a fresh export[/red]")
        err_console.print(mismatch.diff, markup=False)
    if mismatches:
        err_console.print("re-export with: conformance export --all")
        return int(ExitCode.FAILURES)
    out_console.print(f"up to date: {', '.join(f'{p}.yaml' for p in selected)} and README.md in {target}")
    return int(ExitCode.OK)
