"""The command group; each subcommand lives in its own module."""

from __future__ import annotations

import click

from conformance import __version__
from conformance.cli import check, compat, export, mock, model, profile, record, reference, replay, run, spec_diff


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="conformance")
def cli() -> None:
    """Conformance and replay tests for Llama Stack / OGX-compatible API servers.

    \b
    Exit codes:
      0  conformant (only baselined findings, if any)
      1  conformance failures: unexpected findings, breaking differences or a stale baseline
      2  usage or configuration error (bad option, profile, release, spec, cassette; port in use)
      3  harness error: the server is unreachable or hangs, a reference server died while starting
    """


for command in (
    run.command,
    check.command,
    replay.command,
    spec_diff.command,
    compat.command,
    record.command,
    export.command,
    reference.group,
    profile.group,
    model.group,
    mock.group,
):
    cli.add_command(command)
