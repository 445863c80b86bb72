"""The ``conformance`` command line. The core never imports this package."""

from __future__ import annotations

import signal
import sys
import traceback
from types import FrameType

import click

from conformance.cli.app import cli
from conformance.core.errors import ConformanceError, ExitCode

__all__ = ["cli", "main"]


def _terminated(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (a CI job cancelled, a timeout's kill) unwinds like Ctrl-C, so an embedded reference
    this process started is stopped on the way out instead of being left running."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the CLI and turns every user-facing error into one line and an exit code."""
    signal.signal(signal.SIGTERM, _terminated)
    try:
        code = cli.main(args=argv, prog_name="conformance", standalone_mode=False)
    except ConformanceError as exc:
        click.secho(f"error: {exc.message}", fg="red", err=True)
        if exc.detail:
            click.echo(exc.detail, err=True)
        sys.exit(int(exc.exit_code))
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(int(ExitCode.USAGE))
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug of ours is never a verdict on the server: exit 3, one line
        verbose = any(arg in ("-v", "--verbose") for arg in (argv if argv is not None else sys.argv[1:]))
        if verbose:
            traceback.print_exc()
        where = "" if verbose else " (run with -v for the traceback)"
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        click.secho(
            f"error: internal error in the conformance suite, not a finding about the server: "
            f"{type(exc).__name__}: {first}{where}",
            fg="red",
            err=True,
        )
        sys.exit(int(ExitCode.HARNESS))
    # standalone_mode=False returns the command's return value (or the exit code of ctx.exit()).
    sys.exit(int(code or 0))
