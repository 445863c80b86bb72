"""`conformance record`: run the scenarios against a server and write their cassettes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from conformance.cli._console import err_console, out_console
from conformance.cli._options import api_option, apis_epilog, check_apis, client_settings, target_options
from conformance.core.limits import Limits

if TYPE_CHECKING:
    from conformance.runner.record import Recorded

__all__ = ["command"]


def _print_recorded(result: Recorded) -> None:
    if result.error:
        err_console.print(f"[magenta]error[/] {result.scenario}  [dim]{result.error[:160]}[/]")
    else:
        err_console.print(f"[green]recorded[/] {result.scenario}  [dim]{result.interactions} interactions[/]")


@click.command("record", epilog=apis_epilog())
@target_options(base_url_required=True)
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    metavar="NAME",
    help="Only scenarios whose id matches this glob (repeatable; default: every scenario of the profile).",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Cassettes go to OUTPUT_DIR/<profile>/<scenario>.yaml (default: the profile's own recordings: "
    "recordings/<profile>/ of this checkout, or a profile folder's recordings/).",
)
@api_option
def command(
    base_url: str,
    profile: str | None,
    api_key: str | None,
    headers: tuple[str, ...],
    limits: Limits,
    scenarios: tuple[str, ...],
    output_dir: Path | None,
    apis: tuple[str, ...],
) -> None:
    """Record scenario cassettes (vcrpy format) against a server.

    Secrets given with --api-key or --header are redacted from every cassette; volatile transport
    headers are dropped so that re-recording a deterministic server gives small diffs. With --api,
    only the scenarios whose every API is selected are recorded.
    """
    from conformance.cassettes import profile_recordings
    from conformance.core.client import TargetClient
    from conformance.runner.record import record_scenarios
    from conformance.runner.target import probe_target
    from conformance.scenarios import select_scenarios

    check_apis(apis, profile)
    settings = client_settings(base_url, api_key, headers, limits)
    with TargetClient(settings) as client:
        target, resolved = probe_target(client, profile_id=profile)
        selected_apis = resolved.select_apis(apis)
        chosen = select_scenarios(resolved, scenarios)
        left_out = [s.id for s in chosen if selected_apis and not s.apis <= selected_apis]
        chosen = [s for s in chosen if s.id not in left_out]
        err_console.print(f"recording {len(chosen)} scenarios of {resolved.id} from {target.label}")
        if left_out:
            err_console.print(
                f"[dim]not recorded (an API not selected by --api {','.join(apis)}): {', '.join(left_out)}[/]"
            )
        results = record_scenarios(
            client,
            chosen,
            profile=resolved,
            target=target,
            folder=profile_recordings(resolved, output_dir),
            on_recorded=_print_recorded,
        )
    for result in results:
        out_console.print(str(result.path))
