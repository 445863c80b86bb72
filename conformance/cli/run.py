"""`conformance run`: every suite against a server, the embedded reference by default."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import click

from conformance.cli._console import err_console, progress
from conformance.cli._judge import judge, reference_known_findings
from conformance.cli._options import (
    GateOptions,
    api_option,
    apis_epilog,
    check_apis,
    client_settings,
    property_options,
    release_option,
    report_options,
    suite_settings,
    target_options,
)
from conformance.core.client import ClientSettings
from conformance.core.limits import Limits
from conformance.servers.reference.releases import get_release

# The runner (and through it schemathesis, jsonschema, the specs) is imported when a command runs,
# not when the CLI starts: `conformance model serve` is spawned for every reference start.


@contextmanager
def embedded_or_given(
    base_url: str | None, release: str, *, live: bool = True, **settings_args: Any
) -> Iterator[tuple[ClientSettings, str | None]]:
    """Client settings for the given URL, or for an embedded reference started (and stopped) here.

    The start's progress display ends once the reference answers, not with the run it serves."""
    if base_url:
        yield client_settings(base_url, **settings_args), None
        return
    from conformance.servers.reference import reference_server

    release_id = get_release(release).id
    with ExitStack() as running:
        with progress(f"embedded reference {release_id}", live=live) as step:
            ref = running.enter_context(reference_server(release_id, progress=step))
        yield client_settings(ref.base_url, **settings_args), release_id


@click.command("run", epilog=apis_epilog())
@target_options(base_url_required=False)
@release_option("Embedded reference to start when no --base-url is given")
@click.option(
    "--suite",
    "suites",
    multiple=True,
    metavar="NAME",
    help="Run only these suites (repeatable; default: all of them, in order).",
)
@click.option(
    "--client",
    "clients",
    multiple=True,
    metavar="REQUIREMENT",
    help="Judge with this SDK version instead of the profile's (repeatable): openai==3.57.0, "
    "llama-stack-client==0.3.0, npm:openai@4.95.0 (the clients suite).",
)
@api_option
@property_options
@report_options
@click.pass_context
def command(
    ctx: click.Context,
    /,
    *,
    base_url: str | None,
    profile: str | None,
    api_key: str | None,
    headers: tuple[str, ...],
    limits: Limits,
    release: str,
    suites: tuple[str, ...],
    clients: tuple[str, ...],
    apis: tuple[str, ...],
    gate: GateOptions,
    **property_args: Any,
) -> None:
    """Run every suite against a server and write the reports.

    Without --base-url, starts the embedded default (a real OGX 1.5.0 backed by the deterministic
    model server), judges it and stops it again.
    """
    from conformance.core.profiles import profile_for_release
    from conformance.runner.suites import check_suite_names, select_suites

    check_suite_names(suites)
    embedded_profile = profile_for_release(get_release(release).id) if base_url is None else None
    check_apis(apis, profile or (embedded_profile.id if embedded_profile else None))
    settings = suite_settings(limits=limits, clients=clients, **property_args)
    if base_url is None and gate.baseline is None and gate.write_baseline is None:
        known = reference_known_findings(get_release(release).id)
        if known is not None:
            err_console.print(f"applying the known findings of {get_release(release).id} ({known})")
            gate = gate.with_baseline(known, allow_stale=True)
    started = embedded_or_given(
        base_url, release, live=not gate.no_progress, api_key=api_key, headers=headers, limits=limits
    )
    with started as (client, rel):
        result = judge(
            client,
            profile=profile,
            release=rel,
            suites=lambda profile: select_suites(suites, profile, settings),
            gate=gate,
            apis=apis,
            shard=settings.shard,
            plan=settings.plan("run", suites, gate.include, gate.exclude),
        )
    ctx.exit(int(result.exit_code))
