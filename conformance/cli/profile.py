"""`conformance profile init|show`: users' own profiles (a folder with a profile.yaml)."""

from __future__ import annotations

from pathlib import Path

import click

from conformance.cli._console import err_console, out_console

__all__ = ["group"]


@click.group("profile")
def group() -> None:
    """Create and inspect profiles: a spec, scenarios, recordings and known findings, judged as one.

    A profile folder is used wherever a built-in profile id is: --profile ./my-profile.
    """


@group.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--spec",
    "spec",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your API's OpenAPI document (YAML or JSON); copied into the folder.",
)
@click.option("--id", "profile_id", default=None, help="Profile id (default: the folder's name).")
def init(folder: Path, spec: Path, profile_id: str | None) -> None:
    """Scaffold a profile in FOLDER from an OpenAPI document: profile.yaml, the spec, a starter scenario."""
    from conformance.spec.profile_folder import load_profile_folder, scaffold_profile

    written = scaffold_profile(folder, spec, profile_id=profile_id)
    profile = load_profile_folder(folder)
    for path in written:
        out_console.print(str(path))
    err_console.print(
        f"profile {profile.id}: APIs {', '.join(profile.apis)}\n"
        f"next: conformance record --base-url URL --profile {folder}   (record its scenarios from a server you trust)\n"
        f"      conformance run --base-url URL --profile {folder}      (judge any server by it)"
    )


@group.command("show")
@click.argument("profile")
def show(profile: str) -> None:
    """What a profile (built-in id or folder) holds: spec, APIs, scenarios, recordings, known findings."""
    from conformance.scenarios import scenarios_for
    from conformance.spec.profile_folder import resolve_profile

    resolved = resolve_profile(profile)
    recordings = sorted(resolved.recordings.glob("*.yaml")) if resolved.recordings.is_dir() else []
    lines = [
        f"id:             {resolved.id}",
        f"title:          {resolved.title}",
        f"spec:           {resolved.spec_path}",
        f"reference:      {resolved.reference.id if resolved.reference else '-'}",
        f"versions:       {', '.join(resolved.versions) or '-'}",
        f"apis:           {', '.join(resolved.apis)}",
        f"id formats:     {', '.join(name for name, _ in resolved.ids) or '-'}",
        f"scenarios:      {', '.join(s.id for s in scenarios_for(resolved)) or '-'}",
        f"recordings:     {len(recordings)} in {resolved.recordings}",
        f"known findings: {resolved.known_findings if resolved.known_findings.is_file() else '-'}",
        f"severity:       {resolved.severity_levels if resolved.severity_levels.is_file() else '-'}",
    ]
    out_console.print("\n".join(lines), highlight=False)
