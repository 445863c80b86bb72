"""`conformance mock serve`: a stateful mock server built from a profile's recordings (docs/mock.md)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

__all__ = ["group"]


def _fault(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    from conformance.mock import parse_fault

    for value in values:
        try:
            parse_fault(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return values


@click.group("mock")
def group() -> None:
    """A mock server answering from a profile's recordings, for client authors (docs/mock.md)."""


@group.command("serve")
@click.option("--profile", "profile_ref", required=True, help="Built-in profile id or a profile folder.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="Port to bind; 0 picks a free one."
)
@click.option(
    "--recordings",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory holding <profile>/<scenario>.yaml (default: the profile's own recordings).",
)
@click.option(
    "--stream-delay",
    type=click.IntRange(0, 60_000),
    default=0,
    show_default=True,
    metavar="MS",
    help="Pause between the events of a replayed stream (cassettes carry no timing).",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    callback=_fault,
    metavar="SPEC",
    help="Inject a fault, e.g. 'status=429,retry-after=1,times=2', 'status=503', 'reset-mid-stream', "
    "'latency=2s', 'malformed-json'; 'path=GLOB' limits it (repeatable).",
)
@click.option(
    "--journal",
    "journal_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also append every request to this file as a JSON line (GET /__mock/journal lists them).",
)
def serve(
    profile_ref: str,
    host: str,
    port: int,
    recordings: Path | None,
    stream_delay: int,
    faults: tuple[str, ...],
    journal_file: Path | None,
) -> None:
    """Serve the profile's recordings until interrupted; no upstream or model server is used.

    Prints 'mock server for PROFILE listening on http://HOST:PORT' once it accepts connections.
    """
    from conformance.mock import MockSettings, build_app, parse_fault
    from conformance.servers.serving import listen, serve_forever
    from conformance.spec.profile_folder import resolve_profile

    started = time.monotonic()
    profile = resolve_profile(profile_ref)
    settings = MockSettings(
        stream_delay_s=stream_delay / 1000,
        faults=tuple(parse_fault(f) for f in faults),
        journal_file=journal_file,
    )
    app = build_app(profile, settings, recordings)
    sock = listen(host, port)

    def announce(url: str) -> None:
        click.echo(f"mock server for {profile.id} listening on {url} (ready in {time.monotonic() - started:.2f}s)")
        sys.stdout.flush()

    serve_forever(app, sock, on_ready=announce)
