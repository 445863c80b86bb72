"""`conformance reference start|stop|status`: upstream reference servers on this machine."""

from __future__ import annotations

import click

from conformance.cli._console import out_console, progress
from conformance.cli._options import release_option
from conformance.servers.reference import (
    DEFAULT_PORT,
    get_release,
    list_references,
    start_reference,
    stop_references,
)


@click.group("reference")
def group() -> None:
    """Start, stop and inspect upstream reference servers.

    A reference is a real upstream release (installed once into a cached virtual environment)
    configured with sqlite state and our deterministic model server as its inference backend.
    """


@group.command("start")
@release_option("Release to run")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port on 127.0.0.1 (0 picks a free one).",
)
def start(release: str, port: int) -> None:
    """Start a reference server and print its base URL once /v1/health answers."""
    release_id = get_release(release).id  # fail fast on an unknown release, before any output
    with progress(f"reference {release_id}") as step:
        reference = start_reference(release_id, port=port, progress=step)
    out_console.print(reference.base_url)


@group.command("stop")
@click.option("--server", "release", default=None, metavar="NAME==VERSION", help="Only this release.")
@click.option("--port", type=int, default=None, help="Only the reference on this port.")
def stop(release: str | None, port: int | None) -> None:
    """Stop reference servers started by `reference start` (all of them without filters)."""
    stopped = stop_references(release=release, port=port)
    if not stopped:
        out_console.print("no reference server was running")
    for reference in stopped:
        out_console.print(f"stopped {reference.release} at {reference.base_url}")


@group.command("status")
def status() -> None:
    """List the reference servers this machine's user started, and whether they still run."""
    references = list_references()
    if not references:
        out_console.print("no reference server is running")
        return
    for reference in references:
        state = "running" if reference.alive() else "dead (run `conformance reference stop` to clean up)"
        pids = ", ".join(f"{p.name} pid {p.pid}" for p in reference.processes)
        out_console.print(
            f"{reference.release}  {reference.base_url}  {state}  ({pids}; model {reference.model_base_url})"
        )
