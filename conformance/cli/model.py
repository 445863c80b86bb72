"""`conformance model serve`: the deterministic OpenAI-compatible model server."""

from __future__ import annotations

import sys

import click

__all__ = ["group"]


@click.group("model")
def group() -> None:
    """The deterministic OpenAI-compatible model server (rules in docs/model-server.md)."""


@group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="Port to bind; 0 picks a free one."
)
@click.option(
    "--embedding-dimension",
    type=click.IntRange(1, 8192),
    default=8,
    show_default=True,
    help="Length of embedding vectors when a request gives no 'dimensions'.",
)
def serve(host: str, port: int, embedding_dimension: int) -> None:
    """Serve /v1/models, /v1/chat/completions, /v1/completions and /v1/embeddings until interrupted.

    Prints 'model server listening on http://HOST:PORT/v1' once it accepts connections.
    """
    from conformance.servers.model import ModelServerConfig, create_app
    from conformance.servers.model.serving import listen, serve_forever

    sock = listen(host, port)
    app = create_app(ModelServerConfig(embedding_dimension=embedding_dimension))

    def announce(url: str) -> None:
        click.echo(f"model server listening on {url}")
        sys.stdout.flush()

    serve_forever(app, sock, on_ready=announce)
