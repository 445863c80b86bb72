"""The clients suite's ``llama-stack-client`` flows against the fake server on a real port, with the real SDK
(0.3.0 for the llama-stack-0.3 profile, 0.7.5 for llama-stack-0.7: one flow script serves both)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conformance.clients import SDKS
from conformance.clients.sdks import SITUATIONS
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import get_profile
from conformance.core.results import CaseResult, Severity, Status, Target
from conformance.runner.base import RunContext, RunOptions
from conformance.runner.clients import ClientsSuite
from tests.fakes.server import SDK_BREAKS, make_app

pytestmark = pytest.mark.sdk

SDK = "llama-stack-client"
PREFIX = f"clients/{SDK}/"
PINNED = {"llama-stack-0.3": "llama-stack-client==0.3.0", "llama-stack-0.7": "llama-stack-client==0.7.5"}
FLOWS = [flow.name for flow in SDKS[SDK].flows]
AGENT_FLOWS = {name for name in FLOWS if name.startswith("agents.")}
KEY = "sk-secret"


def _run(base_url: str, profile_id: str, *, options: RunOptions | None = None) -> list[CaseResult]:
    profile = get_profile(profile_id)
    with TargetClient(ClientSettings(base_url=base_url, api_key=KEY)) as client:
        ctx = RunContext(
            client=client,
            profile=profile,
            target=Target(base_url=base_url, profile=profile.id),
            options=options or RunOptions(),
        )
        return list(ClientsSuite((PINNED[profile_id],)).run(ctx))


def test_each_llama_stack_profile_pins_its_own_sdk_release() -> None:
    for profile_id, requirement in PINNED.items():
        assert requirement in get_profile(profile_id).clients
    assert not any(r.startswith(SDK) for r in get_profile("ogx-1.5").clients)


DONE_LINE = "iterating the stream raised JSONDecodeError at its closing `data: [DONE]` line"


def test_the_conformant_fake_passes_every_flow_with_0_3_0_but_chat_stream_ending_in_done(
    serve_app: Callable[[Any], str],
) -> None:
    """Agents included: a streamed turn, and a client-tool turn that pauses and is resumed. The fake ends
    chat streams with OpenAI's ``data: [DONE]`` (the chat-stream-done-sentinel rule); 0.3.0's Stream
    JSON-decodes it and raises after the last chunk: what this SDK's users meet, so a finding."""
    cases = _run(serve_app(make_app(api_key=KEY)), "llama-stack-0.3")
    assert [c.id for c in cases] == [f"{PREFIX}{name}" for name in FLOWS]
    failed = {c.id.removeprefix(PREFIX): c for c in cases if c.status is not Status.PASS}
    assert set(failed) == {"chat.stream"}, {n: (c.status, c.reason, c.findings) for n, c in failed.items()}
    (finding,) = failed["chat.stream"].findings
    assert DONE_LINE in finding.message
    assert finding.evidence is not None
    assert "data: [DONE]" in finding.evidence.response
    observed = {c.sdk_error.situation: c.sdk_error for c in cases if c.sdk_error is not None}
    assert sorted(observed) == sorted(SITUATIONS)
    assert (observed["unknown-id"].raised, observed["unknown-id"].status) == ("NotFoundError", 404)
    assert observed["unknown-route"].raised == "NotFoundError"
    assert observed["no-auth"].raised == observed["wrong-auth"].raised == "AuthenticationError"


def test_a_chat_stream_without_done_passes_with_0_3_0(serve_app: Callable[[Any], str]) -> None:
    """As 0.3.0's own server streams (no ``[DONE]``): the SDK reads the stream to its end."""
    options = RunOptions(include=(f"{PREFIX}chat.stream",))
    (case,) = _run(serve_app(make_app({"chat-stream-done-sentinel"}, api_key=KEY)), "llama-stack-0.3", options=options)
    assert (case.status, case.findings) == (Status.PASS, ())


def test_the_same_script_serves_0_7_5_whose_spec_has_no_agents(serve_app: Callable[[Any], str]) -> None:
    cases = {c.id.removeprefix(PREFIX): c for c in _run(serve_app(make_app(api_key=KEY)), "llama-stack-0.7")}
    assert {name for name, c in cases.items() if c.status is Status.DISABLED} == AGENT_FLOWS
    assert {name: (c.status, c.reason, c.findings) for name, c in cases.items() if name not in AGENT_FLOWS and
            c.status is not Status.PASS} == {}  # fmt: skip


@pytest.mark.parametrize(
    ("broken", "failing", "skipped", "said"),
    [
        # every other agent flow creates its agent as a setup step: skipped, judged by agents.create
        (
            "sdk-agent-create-no-agent-id",
            {"agents.create"},
            AGENT_FLOWS - {"agents.create"},
            "AssertionError: the agent has no agent_id",
        ),
        (
            "sdk-agent-turn-complete-no-output-message",
            {"agents.turn-stream", "agents.turn-client-tool"},
            set(),
            "AssertionError: the turn of turn_complete has no output_message",
        ),
        (
            "sdk-agent-client-tool-not-awaited",
            {"agents.turn-client-tool"},
            set(),
            "the turn stream does not end with turn_awaiting_input (saw turn_start, step_start, step_progress, "
            "step_complete, turn_complete)",
        ),
        (
            "sdk-models-list-no-identifier",
            {"models.list"},
            set(),
            "the chat model 'fake/conformance-chat' is not among the listed ids [None, None]",
        ),
        ("sdk-file-upload-no-filename", {"files.create"}, set(), "the file is named None, not 'conformance.txt'"),
        ("sdk-vector-store-delete-not-deleted", {"vector-stores.delete"}, set(), "deleted is False, not true"),
    ],
)
def test_each_sdk_break_fails_exactly_its_flows_with_the_sdks_own_message(
    serve_app: Callable[[Any], str], broken: str, failing: set[str], skipped: set[str], said: str
) -> None:
    assert broken in SDK_BREAKS
    options = RunOptions(exclude=(f"{PREFIX}errors.*", f"{PREFIX}chat.stream"))  # chat.stream: the [DONE] test
    cases = {c.id.removeprefix(PREFIX): c for c in _run(serve_app(make_app({broken}, api_key=KEY)), "llama-stack-0.3",
                                                         options=options)}  # fmt: skip
    assert {name for name, c in cases.items() if c.status is Status.FAIL} == failing
    assert {name for name, c in cases.items() if c.status is Status.SKIP} == skipped
    assert {c.status for c in cases.values()} <= {Status.PASS, Status.FAIL, Status.SKIP}
    for name in failing:
        (finding,) = cases[name].findings
        assert finding.check_id == f"sdk-{SDK}-{name.replace('.', '-')}"
        assert finding.severity is Severity.MUST
        assert finding.message.startswith(f"{SDK} 0.3.0 {name} raised ")
        assert said in finding.message
        assert finding.evidence is not None
        assert finding.reproduction is not None
        assert finding.reproduction.startswith("curl ")
    for name in skipped:
        assert (cases[name].reason or "").startswith("setup step agents.create failed")


@pytest.mark.parametrize(
    ("broken", "failing", "raised"),
    [
        ("error-unknown-id-404", {"errors.unknown-id", "errors.unknown-model"}, "BadRequestError"),
        ("error-invalid-body-status", {"errors.invalid-body"}, "InternalServerError"),
        ("sdk-unknown-route-catch-all", {"errors.unknown-route"}, None),
        ("sdk-no-auth-accepted", {"errors.no-auth"}, None),
        ("sdk-wrong-auth-403", {"errors.wrong-auth"}, "PermissionDeniedError"),
    ],
)
def test_the_error_situations_are_judged_by_the_class_llama_stack_client_raised(
    serve_app: Callable[[Any], str], broken: str, failing: set[str], raised: str | None
) -> None:
    """Its raw request (``client.get``) for an unknown route, ``omit`` to send no Authorization."""
    options = RunOptions(include=(f"{PREFIX}errors.*",))
    cases = _run(serve_app(make_app({broken}, api_key=KEY)), "llama-stack-0.3", options=options)
    assert {c.id.removeprefix(PREFIX) for c in cases if c.status is not Status.PASS} == failing
    for case in cases:
        if case.status is not Status.PASS:
            assert case.sdk_error is not None
            assert case.sdk_error.raised == raised
            assert case.findings[0].message.startswith(
                f"{case.sdk_error.provokes}: {SDK} 0.3.0 raised {raised or 'nothing'}"
            )


def test_an_undecodable_event_fails_every_streaming_flow(serve_app: Callable[[Any], str]) -> None:
    """An event that is not JSON fails each flow that streams, with the SDK's JSONDecodeError."""
    options = RunOptions(exclude=(f"{PREFIX}errors.*",))
    cases = _run(serve_app(make_app({"sse-json-data"}, api_key=KEY)), "llama-stack-0.3", options=options)
    failed = {c.id.removeprefix(PREFIX): c for c in cases if c.status is not Status.PASS}
    assert set(failed) == {"chat.stream", "responses.stream", "agents.turn-stream", "agents.turn-client-tool"}
    assert "JSONDecodeError" in failed["chat.stream"].findings[0].message
