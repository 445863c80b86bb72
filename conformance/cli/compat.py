"""`conformance compat`: the compatibility matrix (docs/compat-matrix.md and .json), spec-diff joined
with the replays of each profile's predecessor's recordings against its reference."""

from __future__ import annotations

import json
from pathlib import Path

import click

from conformance.cli._console import err_console, out_console
from conformance.core.errors import ExitCode, UsageError
from conformance.core.profiles import PROFILES, openapi_dir

__all__ = ["command"]


def _read_replay_report(value: str, strictness: str) -> tuple[str, str, str]:
    """``NEW=report.json`` -> (old, new, observations JSON)."""
    from conformance.core.results import CaseResult, RunResult
    from conformance.reports.compat import observe_replay
    from conformance.reports.compat_matrix import render_observations

    new, sep, file = value.partition("=")
    profile = PROFILES.get(new)
    if not sep or profile is None or profile.previous is None:
        pairs = ", ".join(p.id for p in PROFILES.values() if p.previous)
        raise UsageError(f"--replay {value}: expected PROFILE=report.json with PROFILE one of {pairs}")
    path = Path(file)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        cases = tuple(CaseResult.model_validate(case) for case in data["cases"])
        result = RunResult.model_validate(
            {**{k: data[k] for k in ("suite_version", "target", "started_at", "finished_at")}, "cases": cases}
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"--replay {path}: not a readable report.json ({exc})") from None
    if result.target.profile != profile.previous:
        raise UsageError(f"--replay {path}: replays {result.target.profile} recordings, not {profile.previous}'s")
    return profile.previous, new, render_observations(observe_replay(result, strictness=strictness))


@click.command("compat")
@click.option(
    "--replay",
    "replays",
    multiple=True,
    metavar="PROFILE=REPORT",
    help="The report.json of `conformance replay --profile <PROFILE's predecessor>` against PROFILE's "
    "reference; stored under docs/compat-replays/ (repeatable). Without it the committed replays are used.",
)
@click.option("--strictness", type=click.Choice(["schema", "values"]), default="schema", show_default=True,
              help="The strictness those replays ran with (recorded in the matrix).")  # fmt: skip
@click.option(
    "--docs",
    "docs_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where compat-matrix.md/.json and compat-replays/ live (default: the source tree's docs/).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a committed file is stale.")
def command(replays: tuple[str, ...], strictness: str, docs_dir: Path | None, check: bool) -> int:
    """Write the compatibility matrix: for each profile and its predecessor, spec-diff per operation
    joined with what replaying the predecessor's recordings against the profile's reference found.

    Each operation is breaking in the spec and in behaviour, in the spec only, in behaviour only
    (the spec promised compatibility), additive, or unchanged. `nox -s compat` runs the replays
    against fresh references and calls this with --replay.
    """
    from conformance.reports.compat_matrix import compat_outputs, replay_file

    docs = docs_dir or openapi_dir().parent / "docs"
    outputs: dict[Path, str] = {}
    for value in replays:
        old, new, text = _read_replay_report(value, strictness)
        outputs[replay_file(docs, old, new)] = text
    if outputs and check:
        raise UsageError("--check compares the committed files; it takes no --replay")
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    stale = []
    for path, text in compat_outputs(docs).items():
        if check:
            current = path.read_text(encoding="utf-8") if path.is_file() else None
            if current != text:
                stale.append(path)
        else:
            path.write_text(text, encoding="utf-8")
            out_console.print(f"wrote {path}")
    for path in stale:
        err_console.print(f"stale: {path} (regenerate it with `conformance compat`)")
    return int(ExitCode.FAILURES if stale else ExitCode.OK)
