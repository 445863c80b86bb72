"""The command group; each subcommand lives in its own module, imported when it is called (``--help`` lists
them all): ``conformance mock serve`` need not load the runner, Schemathesis or the model server."""

from __future__ import annotations

import importlib

import click

from conformance import __version__

COMMANDS: dict[str, str] = {
    "run": "run:command",
    "check": "check:command",
    "replay": "replay:command",
    "spec-diff": "spec_diff:command",
    "compat": "compat:command",
    "record": "record:command",
    "report": "report:group",
    "export": "export:command",
    "reference": "reference:group",
    "profile": "profile:group",
    "model": "model:group",
    "mock": "mock:group",
}
"""Command name -> ``module:attribute`` under ``conformance.cli``, in the order ``--help`` lists them."""


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context | None) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        command = getattr(importlib.import_module(f"conformance.cli.{module}"), attribute)
        if not isinstance(command, click.Command) or command.name != cmd_name:
            raise TypeError(f"conformance.cli.{target} is not the {cmd_name!r} command")
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
