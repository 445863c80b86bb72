"""`conformance replay`: replay recorded cassettes against a server and classify the differences."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from conformance.cli._console import err_console
from conformance.cli._judge import judge
from conformance.cli._options import (
    GateOptions,
    api_option,
    apis_epilog,
    check_apis,
    client_settings,
    report_options,
    target_options,
)
from conformance.core.limits import Limits
from conformance.core.profiles import Profile, get_profile

if TYPE_CHECKING:
    from conformance.cassettes import Cassette

__all__ = ["command"]


@click.command("replay", epilog=apis_epilog())
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
    help="Directory holding <profile>/<scenario>.yaml (default: the profile's own recordings).",
)
@click.option(
    "--compat-summary",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a Markdown compatibility summary here (what `nox -s compat` commits under docs/).",
)
@api_option
@report_options
@click.pass_context
def command(
    ctx: click.Context,
    /,
    *,
    base_url: str,
    profile: str | None,
    api_key: str | None,
    headers: tuple[str, ...],
    limits: Limits,
    strictness: str,
    scenarios: tuple[str, ...],
    recordings: Path | None,
    compat_summary: Path | None,
    apis: tuple[str, ...],
    gate: GateOptions,
) -> None:
    """Replay a profile's cassettes against a server and report breaking, additive and value-only differences.

    Ids the recording obtained from the server are bound to the target's own ids. Breaking
    differences exit 1; a malformed cassette exits 2 before anything is sent. With --api, a
    cassette is replayed only when every operation it calls belongs to a selected API.
    """
    from conformance.cassettes import load_profile_cassettes, profile_recordings
    from conformance.diff import Strictness
    from conformance.reports import render_compat_summary
    from conformance.runner.replay import ReplaySuite

    check_apis(apis, profile)
    settings = client_settings(base_url, api_key, headers, limits)

    def load(resolved: Profile) -> list[Cassette]:
        return load_profile_cassettes(profile_recordings(resolved, recordings), resolved.id, scenarios)

    # With --profile the cassettes are read first: a malformed one is exit 2 before any request.
    preloaded = load(get_profile(profile)) if profile else None

    def suites(resolved: Profile) -> list[ReplaySuite]:
        cassettes = preloaded if preloaded is not None else load(resolved)
        err_console.print(f"replaying {len(cassettes)} {resolved.id} cassettes ({strictness})")
        return [ReplaySuite(resolved, strictness=Strictness(strictness), cassettes=cassettes)]

    result = judge(
        settings,
        profile=profile,
        release=None,
        suites=suites,
        gate=gate,
        apis=apis,
    )
    if compat_summary:
        name = result.target.name
        title = f"Compatibility: {result.target.profile} recordings vs {name}"
        compat_summary.parent.mkdir(parents=True, exist_ok=True)
        text = render_compat_summary(
            result, title=title, recordings=result.target.profile, strictness=strictness, target_name=name
        )
        compat_summary.write_text(text, encoding="utf-8")
    ctx.exit(int(result.exit_code))
