"""Options shared by the commands that judge a server (run, check, replay, record)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from conformance.core.client import ClientSettings, parse_header, validate_base_url
from conformance.core.profiles import PROFILES
from conformance.core.results import Severity

__all__ = ["client_settings", "report_options", "target_options"]


def target_options[F: Callable[..., Any]](*, base_url_required: bool) -> Callable[[F], F]:
    """--base-url, --profile, --api-key, --header and the timeouts."""

    def decorate(func: F) -> F:
        options = [
            click.option(
                "--base-url",
                required=base_url_required,
                metavar="URL",
                help="Server under test, e.g. http://127.0.0.1:8321."
                + ("" if base_url_required else " Without it, an embedded reference is started."),
            ),
            click.option(
                "--profile",
                type=click.Choice(list(PROFILES)),
                default=None,
                help="API profile to judge by (default: detected from /v1/version).",
            ),
            click.option(
                "--api-key",
                default=None,
                envvar="CONFORMANCE_API_KEY",
                metavar="KEY",
                help="Sent as 'Authorization: Bearer KEY'; redacted from every output.",
            ),
            click.option(
                "--header",
                "headers",
                multiple=True,
                metavar="'NAME: VALUE'",
                help="Extra header on every request (repeatable); values are redacted.",
            ),
            click.option(
                "--timeout",
                type=click.FloatRange(min=0.1),
                default=60.0,
                show_default=True,
                help="Seconds to wait for a response before it counts as a harness error.",
            ),
        ]
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def report_options[F: Callable[..., Any]](func: F) -> F:
    """--report-dir, --baseline, --write-baseline, --allow-stale, --fail-on, --include, --exclude."""
    options = [
        click.option(
            "--report-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("conformance-report"),
            show_default=True,
            help="Where report.json, junit.xml, summary.md and report.html are written.",
        ),
        click.option(
            "--baseline",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Known findings (YAML): expected ones do not fail the run.",
        ),
        click.option(
            "--write-baseline",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Write this run's findings as a baseline file.",
        ),
        click.option("--allow-stale", is_flag=True, help="Do not fail when baselined findings no longer occur."),
        click.option(
            "--fail-on",
            type=click.Choice([s.value.lower() for s in Severity]),
            default="should",
            show_default=True,
            help="Lowest severity that fails the run.",
        ),
        click.option(
            "--include",
            multiple=True,
            metavar="PATTERN",
            help="Only cases whose id or operation matches this glob (repeatable).",
        ),
        click.option(
            "--exclude",
            multiple=True,
            metavar="PATTERN",
            help="Skip cases whose id or operation matches this glob (repeatable).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def client_settings(base_url: str, api_key: str | None, headers: tuple[str, ...], timeout: float) -> ClientSettings:
    return ClientSettings(
        base_url=validate_base_url(base_url),
        api_key=api_key,
        headers=dict(parse_header(h) for h in headers),
        read_timeout=timeout,
    )
