"""The clients suite's Node SDK flows against the fake server on a real port, with the real SDKs.

``openai`` (Node) and ``llama-stack-client`` (Node) 0.3.0 run from their cached npm environments
(tests marked ``sdk`` build them once; they need ``node`` and ``npm``). The Node SDKs validate no
schema: what breaks them is what their stream readers and helpers dereference, so each break below is
one they really trip on, and it fails exactly the flows that read it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

import pytest

from conformance.clients import SDKS
from conformance.clients.sdks import SITUATIONS, sdk_for
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import get_profile
from conformance.core.results import CaseResult, Severity, Status, Target
from conformance.runner.base import RunContext, RunOptions
from conformance.runner.clients import ClientsSuite
from tests.fakes.server import make_app

OPENAI_NODE = "npm:openai@7.59.0"
LSC_NODE = "npm:llama-stack-client@0.3.0"
KEY = "sk-secret"
NODE_SDKS = [(OPENAI_NODE, "openai-node"), (LSC_NODE, "llama-stack-client-node")]

needs_node = pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None, reason="node and npm are not on PATH"
)
pytestmark = [pytest.mark.sdk, needs_node]


def _run(
    base_url: str, requirement: str, *, options: RunOptions | None = None, api_key: str | None = KEY
) -> dict[str, CaseResult]:
    profile = get_profile("llama-stack-0.3" if requirement == LSC_NODE else "ogx-1.5")
    with TargetClient(ClientSettings(base_url=base_url, api_key=api_key)) as client:
        ctx = RunContext(
            client=client,
            profile=profile,
            target=Target(base_url=base_url, profile=profile.id),
            options=options or RunOptions(),
        )
        sdk = sdk_for(requirement)
        assert sdk is not None
        return {case.id.removeprefix(f"clients/{sdk.id}/"): case for case in ClientsSuite((requirement,)).run(ctx)}


def _failing(cases: dict[str, CaseResult]) -> set[str]:
    return {name for name, case in cases.items() if case.status is not Status.PASS}


@pytest.mark.parametrize(("requirement", "sdk_id"), NODE_SDKS)
def test_the_conformant_fake_passes_every_flow_of_the_node_sdks(
    serve_app: Callable[[Any], str], requirement: str, sdk_id: str
) -> None:
    cases = _run(serve_app(make_app(api_key=KEY)), requirement)
    assert list(cases) == [flow.name for flow in SDKS[sdk_id].flows]
    unexpected = {name: (cases[name].status, cases[name].findings, cases[name].error) for name in _failing(cases)}
    assert unexpected == {}
    observed = {c.sdk_error.situation: c.sdk_error for c in cases.values() if c.sdk_error is not None}
    assert sorted(observed) == sorted(SITUATIONS)
    assert (observed["unknown-id"].raised, observed["unknown-id"].status) == ("NotFoundError", 404)
    assert observed["invalid-body"].raised == "BadRequestError"
    assert observed["no-auth"].raised == observed["wrong-auth"].raised == "AuthenticationError"
    assert observed["unknown-id"].sdk.endswith(" (Node)")


OPENAI_ONLY = RunOptions(exclude=("clients/openai-node/errors.*",))


@pytest.mark.parametrize(
    ("broken", "failing", "said"),
    [
        # Tool-call deltas without `index`: the helper cannot tell which call a delta extends.
        (
            "sdk-node-chat-stream-tool-call-index",
            {"chat.stream-helper-tools"},
            "raised OpenAIError: Chat completion stream contains an invalid tool call index: undefined",
        ),
        # No response.created: the stream helper has no snapshot to apply the events to.
        (
            "responses-stream-first-event",
            {"responses.stream-helper"},
            "raised OpenAIError: When snapshot hasn't been set yet, expected 'response.created' event",
        ),
        # No response.completed: what an application waiting for the end of the response relies on.
        ("responses-stream-terminal-event", {"responses.stream"}, "raised AssertionError: no response.completed event"),
        # An event whose data is not JSON: every streaming flow's reader throws.
        (
            "sse-json-data",
            {"chat.stream", "chat.stream-helper-tools", "responses.stream", "responses.stream-helper"},
            "malformed server-sent event JSON",
        ),
    ],
)
def test_each_break_the_openai_node_sdk_trips_on_fails_exactly_its_flows(
    serve_app: Callable[[Any], str], broken: str, failing: set[str], said: str
) -> None:
    cases = _run(serve_app(make_app({broken})), OPENAI_NODE, options=OPENAI_ONLY)
    assert _failing(cases) == failing
    for name in failing:
        (finding,) = cases[name].findings
        assert finding.check_id == f"sdk-openai-node-{name.replace('.', '-')}"
        assert finding.severity is Severity.MUST
        assert finding.message.startswith(f"openai 7.59.0 (Node) {name} ")
        assert said in finding.message
        assert finding.evidence is not None
        assert finding.reproduction is not None


def test_openai_nodes_stream_helper_reads_tool_call_chunks_with_null_fields(serve_app: Callable[[Any], str]) -> None:
    """OGX 1.5.0's shape (``"id": null, "type": null`` after the first tool-call chunk) breaks the Python
    SDK's helper; the Node helper sets only the fields a delta carries, and every flow passes."""
    cases = _run(serve_app(make_app({"chat-stream-tool-call-header"})), OPENAI_NODE, options=OPENAI_ONLY)
    assert cases["chat.stream-helper-tools"].status is Status.PASS
    assert _failing(cases) == set()


LSC_ONLY = RunOptions(exclude=("clients/llama-stack-client-node/errors.*",))


@pytest.mark.parametrize(
    ("broken", "said"),
    [
        # OpenAI's [DONE] sentinel after the last agent event: the 0.3.0 SDK JSON.parses every event's data.
        ("sdk-node-agent-stream-done-sentinel", "SyntaxError: Unexpected token 'D', \"[DONE]\" is not valid JSON"),
        ("agent-stream-terminal-event", "raised AssertionError: no turn_complete event (saw turn_start, step_start"),
        ("sse-json-data", "raised SyntaxError: Unexpected token"),
    ],
)
def test_each_break_the_llama_stack_client_node_sdk_trips_on_fails_exactly_the_turn_stream(
    serve_app: Callable[[Any], str], broken: str, said: str
) -> None:
    cases = _run(serve_app(make_app({broken})), LSC_NODE, options=LSC_ONLY)
    assert _failing(cases) == {"agents.turn-stream"}
    (finding,) = cases["agents.turn-stream"].findings
    assert (finding.check_id, finding.severity, finding.operation) == (
        "sdk-llama-stack-client-node-agents-turn-stream",
        Severity.MUST,
        "POST /v1/agents/{agent_id}/session/{session_id}/turn",
    )
    assert finding.message.startswith("llama-stack-client 0.3.0 (Node) agents.turn-stream ")
    assert said in finding.message
    assert finding.evidence is not None
    assert finding.evidence.request.startswith("POST http://127.0.0.1:")
    assert "/v1/agents/" in finding.evidence.request


def test_a_failed_expectation_names_the_line_that_threw(serve_app: Callable[[Any], str]) -> None:
    """``where`` is the innermost frame in a file (not a native one such as ``JSON.parse``): the SDK's
    own source line, from its package folder on, with the line's text."""
    cases = _run(serve_app(make_app({"sdk-node-agent-stream-done-sentinel"})), LSC_NODE, options=LSC_ONLY)
    (finding,) = cases["agents.turn-stream"].findings
    assert "(at llama-stack-client/streaming.js:" in finding.message
    assert "JSON.parse(sse.data)" in finding.message


@pytest.mark.parametrize(("requirement", "sdk_id"), NODE_SDKS)
@pytest.mark.parametrize(
    ("broken", "failing", "raised"),
    [
        ("error-unknown-id-404", {"errors.unknown-id", "errors.unknown-model"}, "BadRequestError"),
        ("error-invalid-body-status", {"errors.invalid-body"}, "InternalServerError"),
        ("sdk-unknown-model-400", {"errors.unknown-model"}, "BadRequestError"),
        ("sdk-unknown-route-catch-all", {"errors.unknown-route"}, None),
        ("sdk-no-auth-accepted", {"errors.no-auth"}, None),
        ("sdk-wrong-auth-403", {"errors.wrong-auth"}, "PermissionDeniedError"),
    ],
)
def test_each_broken_error_status_fails_exactly_its_situation_in_the_node_sdks(
    serve_app: Callable[[Any], str], requirement: str, sdk_id: str, broken: str, failing: set[str], raised: str | None
) -> None:
    options = RunOptions(include=(f"clients/{sdk_id}/errors.*",))
    cases = _run(serve_app(make_app({broken}, api_key=KEY)), requirement, options=options)
    assert _failing(cases) == failing
    for name in failing:
        case = cases[name]
        situation = SITUATIONS[name.removeprefix("errors.")]
        (finding,) = case.findings
        assert (finding.check_id, finding.severity) == (f"sdk-{sdk_id}-errors-{situation.id}", situation.severity)
        assert case.sdk_error is not None
        assert case.sdk_error.raised == raised
        assert f"raised {raised or 'nothing'}" in finding.message


def test_auth_situations_are_skipped_without_an_api_key(serve_app: Callable[[Any], str]) -> None:
    options = RunOptions(include=("clients/llama-stack-client-node/errors.*",))
    cases = _run(serve_app(make_app()), LSC_NODE, options=options, api_key=None)
    assert {name for name, c in cases.items() if c.status is Status.SKIP} == {"errors.no-auth", "errors.wrong-auth"}
    assert _failing(cases) == {"errors.no-auth", "errors.wrong-auth"}  # skipped, nothing else
    assert cases["errors.no-auth"].reason == "no --api-key was given, so the server's authentication is not known"
