"""Commands that are planned but not built yet say so and exit 2; nothing pretends to succeed."""

from __future__ import annotations

import click

from conformance.core.errors import ExitCode


def pending_command(name: str, summary: str, issue: int) -> click.Command:
    @click.command(
        name,
        help=f"{summary}\n\nNot implemented yet (issue #{issue}).",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )
    @click.pass_context
    def command(ctx: click.Context) -> None:
        click.echo(f"conformance {name}: not implemented yet (issue #{issue})", err=True)
        ctx.exit(int(ExitCode.USAGE))

    return command
