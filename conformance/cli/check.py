"""`conformance check`: the property-based conformance checks, the command to put in CI."""

from __future__ import annotations

from typing import Any

import click

from conformance.cli._judge import judge
from conformance.cli._options import (
    GateOptions,
    api_option,
    apis_epilog,
    check_apis,
    client_settings,
    property_options,
    report_options,
    suite_settings,
    target_options,
)
from conformance.core.limits import Limits


@click.command("check", epilog=apis_epilog())
@target_options(base_url_required=True)
@api_option
@property_options
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
    apis: tuple[str, ...],
    gate: GateOptions,
    **property_args: Any,
) -> None:
    """Run the property-based checks against a server: Schemathesis on every operation of the
    profile's spec, the streaming event rules and the error contract.

    \b
    Exit codes: 0 conformant (or only baselined findings), 1 unexpected findings or a stale
    baseline entry, 2 usage or configuration error, 3 the server is unreachable or hangs.
    """
    from conformance.runner.suites import CHECK_SUITES, select_suites

    check_apis(apis, profile)
    settings = suite_settings(limits=limits, **property_args)
    client = client_settings(base_url, api_key, headers, limits)
    result = judge(
        client,
        profile=profile,
        release=None,
        suites=lambda profile: select_suites(CHECK_SUITES, profile, settings),
        gate=gate,
        apis=apis,
        shard=settings.shard,
        plan=settings.plan("check", CHECK_SUITES, gate.include, gate.exclude),
    )
    ctx.exit(int(result.exit_code))
