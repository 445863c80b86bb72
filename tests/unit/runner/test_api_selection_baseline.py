"""``--api`` and baselines: a known finding of an API left out is not stale (the run could not meet it)."""

from __future__ import annotations

from collections.abc import Iterator

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import get_profile
from conformance.core.results import CaseResult, Target
from conformance.runner.base import RunContext, RunOptions, execute

PROFILE = get_profile("ogx-1.5")
BASELINE = [
    ("error-unknown-id-404", "GET /v1/conversations/{conversation_id}"),
    ("chat-stream-done-sentinel", "POST /v1/chat/completions"),
    ("field-removed", "conversations-crud/create"),
    ("field-removed", "chat-completions-create/create"),
    ("error-envelope-consistent", "all error probes"),
]


class _Nothing:
    name = "nothing"

    def run(self, ctx: RunContext) -> Iterator[CaseResult]:
        yield from ()


def _stale(apis: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    client = TargetClient(ClientSettings(base_url="http://127.0.0.1:9"))
    target = Target(base_url="http://127.0.0.1:9", profile=PROFILE.id)
    ctx = RunContext(client=client, profile=PROFILE, target=target, options=RunOptions(apis=apis))
    return execute([_Nothing()], ctx, baseline=BASELINE).stale


def test_known_findings_of_apis_left_out_are_not_stale() -> None:
    # A summary over every error probe is not stale either: with --api it saw only the selected APIs'
    # probes, and OGX's two error envelopes (measured on the reference) are never mixed within chat.
    assert set(_stale(("chat",))) == {
        ("chat-stream-done-sentinel", "POST /v1/chat/completions"),
        ("field-removed", "chat-completions-create/create"),
    }


def test_without_api_every_unmet_known_finding_is_stale() -> None:
    assert set(_stale(())) == set(BASELINE)
