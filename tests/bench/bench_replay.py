"""Replay throughput against a plain httpx loop sending the same requests to the same server.

Run by ``nox -s bench`` (not by pytest): ``python -m tests.bench.bench_replay [--rounds N]``.

The server is our deterministic model server, in process on 127.0.0.1: its answers (ids included)
depend only on the request, so the plain loop and the replay make it do exactly the same work,
and the ratio measures what replay adds: id binding, normalization, deepdiff and classification,
reports' evidence. Both sides read streams to the end.
"""

from __future__ import annotations

import argparse
import time

import httpx

from conformance.cassettes import Cassette, Interaction
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import get_profile
from conformance.core.results import Status, Target
from conformance.diff import Strictness
from conformance.runner.base import RunContext, RunOptions, execute
from conformance.runner.record import record_scenario
from conformance.runner.replay import ReplaySuite
from conformance.scenarios import Models, get_scenario
from conformance.servers.model import CHAT_MODEL, EMBEDDING_MODEL, create_app
from conformance.servers.serving import running_app

PROFILE = get_profile("ogx-1.5")
SCENARIOS = (
    "chat-completions-stream",
    "chat-completions-tools",
    "chat-completions-structured-output",
    "chat-completions-parameters",
    "completions-create",
    "embeddings-create",
)


def _record(base_url: str) -> list[Cassette]:
    target = Target(base_url=base_url, profile=PROFILE.id, server="model-server")
    models = Models(chat=CHAT_MODEL, embedding=EMBEDDING_MODEL)
    with TargetClient(ClientSettings(base_url=base_url)) as client:
        return [
            record_scenario(client, get_scenario(s), profile=PROFILE, target=target, models=models) for s in SCENARIOS
        ]


def _replay_rounds(base_url: str, cassettes: list[Cassette], rounds: int) -> float:
    target = Target(base_url=base_url, profile=PROFILE.id)
    started = time.perf_counter()
    with TargetClient(ClientSettings(base_url=base_url)) as client:
        ctx = RunContext(client=client, profile=PROFILE, target=target, options=RunOptions())
        for _ in range(rounds):
            result = execute([ReplaySuite(PROFILE, cassettes=cassettes, strictness=Strictness.SCHEMA)], ctx)
            if any(c.status is not Status.PASS for c in result.cases):
                raise SystemExit("replay found differences against the server it recorded: the benchmark is void")
    return time.perf_counter() - started


def _send(client: httpx.Client, interaction: Interaction) -> None:
    request = interaction.request
    headers = {k: v for k, v in request.headers.items() if k in ("content-type", "accept")}
    content = request.body.encode() if request.body is not None else None
    with client.stream(request.method, request.target, content=content, headers=headers) as response:
        for _chunk in response.iter_text():
            pass


def _plain_rounds(base_url: str, cassettes: list[Cassette], rounds: int) -> float:
    started = time.perf_counter()
    with httpx.Client(base_url=base_url, timeout=60) as client:
        for _ in range(rounds):
            for cassette in cassettes:
                for interaction in cassette.interactions:
                    _send(client, interaction)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=20, help="How many times every cassette is sent.")
    args = parser.parse_args()
    with running_app(create_app()) as base_url:
        cassettes = _record(base_url)
        interactions = sum(len(c.interactions) for c in cassettes) * args.rounds
        _plain_rounds(base_url, cassettes, 1)  # warm both paths (imports, connections, spec loading)
        _replay_rounds(base_url, cassettes, 1)
        plain = _plain_rounds(base_url, cassettes, args.rounds)
        replay = _replay_rounds(base_url, cassettes, args.rounds)
    plain_rate, replay_rate = interactions / plain, interactions / replay
    print(f"bench_replay: {interactions} interactions ({len(cassettes)} cassettes x {args.rounds} rounds)")
    print(f"  plain httpx loop: {plain_rate:8.1f} interactions/s")
    print(f"  replay:           {replay_rate:8.1f} interactions/s")
    print(f"  ratio replay/plain: {replay_rate / plain_rate:.2f}")


if __name__ == "__main__":
    main()
