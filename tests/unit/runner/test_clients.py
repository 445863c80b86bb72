"""The clients suite against the fake server on a real port, with the real ``openai`` SDK.

Tests marked ``sdk`` build (once, then cached under the user cache directory or
``$CONFORMANCE_CACHE_DIR``) the SDK's environment; the others replace the parts that would.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.clients import SDKS
from conformance.clients.sdks import SITUATIONS, Sdk
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import HarnessError
from conformance.core.limits import Limits
from conformance.core.profiles import Profile, get_profile, register_profile
from conformance.core.results import CaseResult, Severity, Status, Target
from conformance.runner import clients as clients_module
from conformance.runner.base import RunContext, RunOptions
from conformance.runner.clients import ClientsSuite
from conformance.scenarios.base import Models
from tests.fakes.server import CHAT_MODEL, make_app

OPENAI = "openai==3.57.0"
FLOWS = [flow.name for flow in SDKS["openai"].flows]
HELPER = "clients/openai/chat.stream-helper-tools"


def _run(
    base_url: str, *, profile: Profile | None = None, options: RunOptions | None = None, api_key: str | None = None
) -> list[CaseResult]:
    chosen = profile or get_profile("ogx-1.5")
    with TargetClient(ClientSettings(base_url=base_url, api_key=api_key)) as client:
        ctx = RunContext(
            client=client,
            profile=chosen,
            target=Target(base_url=base_url, profile=chosen.id),
            options=options or RunOptions(),
        )
        return list(ClientsSuite((OPENAI,)).run(ctx))


KEY = "sk-secret"


@pytest.mark.sdk
def test_the_conformant_fake_passes_every_flow(serve_app: Callable[[Any], str]) -> None:
    cases = _run(serve_app(make_app(api_key=KEY)), api_key=KEY)
    assert [c.id for c in cases] == [f"clients/openai/{name}" for name in FLOWS]
    assert {c.id: c.status for c in cases if c.status is not Status.PASS} == {}
    assert all(c.suite == "clients" for c in cases)
    assert all(c.operation for c in cases if c.id != "clients/openai/errors.unknown-route")
    observed = {c.sdk_error.situation: c.sdk_error for c in cases if c.sdk_error is not None}
    assert sorted(observed) == sorted(SITUATIONS)
    assert observed["unknown-id"].raised == "NotFoundError"
    assert observed["unknown-id"].status == 404
    assert observed["wrong-auth"].raised == "AuthenticationError"


@pytest.mark.sdk
def test_auth_situations_are_skipped_without_an_api_key(serve_app: Callable[[Any], str]) -> None:
    options = RunOptions(include=("clients/openai/errors.*",))
    cases = {c.id: c for c in _run(serve_app(make_app()), options=options)}
    for situation in ("no-auth", "wrong-auth"):
        case = cases[f"clients/openai/errors.{situation}"]
        assert (case.status, case.reason) == (
            Status.SKIP,
            "no --api-key was given, so the server's authentication is not known",
        )
    assert {c.status for c in cases.values()} == {Status.PASS, Status.SKIP}


@pytest.mark.sdk
@pytest.mark.parametrize(
    ("broken", "failing", "raised"),
    [
        # an unknown model is an unknown id too, as the fake answers it: both flows see the 400
        ("error-unknown-id-404", {"errors.unknown-id", "errors.unknown-model"}, "BadRequestError"),
        ("error-invalid-body-status", {"errors.invalid-body"}, "InternalServerError"),
        ("sdk-unknown-model-400", {"errors.unknown-model"}, "BadRequestError"),
        ("sdk-unknown-route-catch-all", {"errors.unknown-route"}, None),
        ("sdk-no-auth-accepted", {"errors.no-auth"}, None),
        ("sdk-wrong-auth-403", {"errors.wrong-auth"}, "PermissionDeniedError"),
    ],
)
def test_each_broken_error_status_fails_exactly_its_situation(
    serve_app: Callable[[Any], str], broken: str, failing: set[str], raised: str | None
) -> None:
    """The SDK raises the class the status maps to; a situation answered with another status (or a 2xx)
    fails only its own case, naming what was raised, the server's answer and the class expected."""
    options = RunOptions(include=("clients/openai/errors.*",))
    cases = _run(serve_app(make_app({broken}, api_key=KEY)), api_key=KEY, options=options)
    assert {c.id.removeprefix("clients/openai/") for c in cases if c.status is not Status.PASS} == failing
    for case in cases:
        if case.status is Status.PASS:
            continue
        (finding,) = case.findings
        situation = SITUATIONS[case.id.split("errors.", 1)[1]]
        assert finding.check_id == f"sdk-openai-errors-{situation.id}"
        assert finding.severity is situation.severity
        assert case.sdk_error is not None
        assert case.sdk_error.raised == raised
        assert finding.message.startswith(f"{situation.provokes}: openai 3.57.0 raised {raised or 'nothing'}")
        assert f"for which the SDK raises {situation.classes[0]}" in finding.message
        if raised is not None:
            assert "(HTTP " in finding.message  # the server's own status and text


@pytest.mark.sdk
def test_null_tool_call_fields_fail_exactly_the_stream_helper_with_the_sdks_own_message(
    serve_app: Callable[[Any], str],
) -> None:
    """OGX 1.5.0's shape: tool-call chunks after the first carry ``"id": null, "type": null``. Every other
    flow still passes; the stream helper's case fails with openai's AssertionError, the exchange it failed
    on as evidence and a curl command that reproduces it."""
    options = RunOptions(exclude=("clients/openai/errors.*",))
    app = make_app({"chat-stream-tool-call-header"})
    cases = {c.id: c for c in _run(serve_app(app), api_key="sk-secret", options=options)}
    assert {case_id for case_id, c in cases.items() if c.status is not Status.PASS} == {HELPER}
    case = cases[HELPER]
    assert case.status is Status.FAIL
    (finding,) = case.findings
    assert (finding.check_id, finding.severity, finding.operation) == (
        "sdk-openai-chat-stream-helper-tools",
        Severity.MUST,
        "POST /v1/chat/completions",
    )
    assert finding.message.startswith("openai 3.57.0 chat.stream-helper-tools raised AssertionError")
    assert 'assert new_tool.type == "function"' in finding.message
    assert finding.evidence is not None
    assert finding.evidence.request.startswith("POST http://127.0.0.1:")
    assert '"tools":' in finding.evidence.request
    assert '"type": null' in finding.evidence.response
    assert "sk-secret" not in finding.evidence.request + (finding.reproduction or "")
    assert "x-conformance-tag" not in finding.evidence.request.lower()
    assert finding.reproduction is not None
    assert finding.reproduction.startswith("curl -sS -X POST")
    assert '"$CONFORMANCE_BASE_URL/v1/chat/completions"' in finding.reproduction
    assert "$CONFORMANCE_API_KEY" in finding.reproduction
    assert "stainless" not in finding.reproduction


@pytest.mark.sdk
def test_a_flow_without_what_it_needs_is_skipped_with_the_reason(
    serve_app: Callable[[Any], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clients_module, "models_from_listing", lambda _payload: Models(chat=CHAT_MODEL))
    options = RunOptions(include=("clients/openai/embeddings.create", "clients/openai/models.list"))
    cases = {c.id: c for c in _run(serve_app(make_app()), options=options)}
    assert cases["clients/openai/models.list"].status is Status.PASS
    skipped = cases["clients/openai/embeddings.create"]
    assert (skipped.status, skipped.reason) == (Status.SKIP, "GET /v1/models lists no embedding model")


def test_flows_of_apis_left_out_or_missing_from_the_spec_are_disabled(
    serve_app: Callable[[Any], str], tmp_path: Path
) -> None:
    """Nothing is installed or sent for them: ``--api`` and the profile's spec decide first."""
    base_url = serve_app(make_app())
    options = RunOptions(apis=("chat",), include=("clients/openai/conversations.*", "clients/openai/responses.*"))
    cases = _run(base_url, options=options)
    assert len(cases) == 10
    assert {c.status for c in cases} == {Status.DISABLED}
    assert all(c.reason and "not selected by --api chat" in c.reason for c in cases)

    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/v1/models": {"get": {}}}}
    (tmp_path / "openapi.yaml").write_text(yaml.safe_dump(spec))
    models_only = register_profile(Profile("test-clients-models-only", "models only", home=tmp_path, apis=("models",)))
    cases = _run(base_url, profile=models_only, options=RunOptions(include=("clients/openai/conversations.*",)))
    assert [(c.status, c.reason) for c in cases] == [
        (Status.DISABLED, "the test-clients-models-only spec has no POST /v1/conversations, DELETE "
         "/v1/conversations/{conversation_id}"),
        (Status.DISABLED, "the test-clients-models-only spec has no GET /v1/conversations/{conversation_id}, POST "
         "/v1/conversations"),
        (Status.DISABLED, "the test-clients-models-only spec has no DELETE /v1/conversations/{conversation_id}, "
         "POST /v1/conversations"),
    ]  # fmt: skip


def test_a_missing_toolchain_skips_and_a_failed_install_is_an_error(
    serve_app: Callable[[Any], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A toolchain that is not installed is the machine's choice (skip); an install that fails (registry,
    uv) is the harness breaking (error), never the server failing."""
    base_url = serve_app(make_app())
    options = RunOptions(include=("clients/openai/models.*",))
    monkeypatch.setattr(Sdk, "toolchain_missing", lambda _self: "node is not installed")
    skipped = _run(base_url, options=options)
    assert [(c.status, c.reason) for c in skipped] == [(Status.SKIP, f"{OPENAI}: node is not installed")] * 2
    monkeypatch.undo()

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise HarnessError("installing sdk-openai failed (exit 1)")

    monkeypatch.setattr(clients_module, "ensure_environment", broken)
    errors = _run(base_url, options=options)
    assert [c.status for c in errors] == [Status.ERROR, Status.ERROR]
    assert all(c.error and "installing sdk-openai failed" in c.error for c in errors)


def test_a_requirement_without_flows_is_one_skipped_case(serve_app: Callable[[Any], str]) -> None:
    base_url = serve_app(make_app())
    profile = get_profile("ogx-1.5")
    with TargetClient(ClientSettings(base_url=base_url)) as client:
        ctx = RunContext(client=client, profile=profile, target=Target(base_url=base_url, profile=profile.id))
        (case,) = ClientsSuite(("some-sdk==1.0",)).run(ctx)
    assert (case.id, case.status) == ("clients/some-sdk==1.0", Status.SKIP)
    assert case.reason is not None
    assert "no flows" in case.reason


@pytest.mark.sdk
def test_a_request_the_harness_cut_is_an_error_not_a_finding(serve_app: Callable[[Any], str]) -> None:
    """A server that never answers a chat completion: the proxy cuts it at --timeout and the SDK raises,
    but that is the harness's limit speaking, not the SDK judging an answer."""
    import asyncio

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Mount, Route

    fake = make_app()

    async def hang(_request: Request) -> Response:
        await asyncio.sleep(30)
        return Response()

    app = Starlette(routes=[Route("/v1/chat/completions", hang, methods=["POST"]), Mount("/", app=fake)])
    base_url = serve_app(app)
    limits = Limits(timeout_s=1.0)
    profile = get_profile("ogx-1.5")
    with TargetClient(ClientSettings(base_url=base_url, limits=limits)) as client:
        ctx = RunContext(
            client=client,
            profile=profile,
            target=Target(base_url=base_url, profile=profile.id),
            options=RunOptions(include=("clients/openai/chat.create",)),
        )
        (case,) = ClientsSuite((OPENAI,)).run(ctx)
    assert case.status is Status.ERROR, case
    assert case.findings == ()
    assert case.error is not None
    assert "the harness cut its request" in case.error
    assert "deadline" in case.error


def test_warnings_are_should_findings_and_a_script_that_died_leaves_error_cases(
    serve_app: Callable[[Any], str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What the flow script printed decides each case (the SDK environment is not needed here)."""
    from conformance.clients.sdks import FlowOutcome, SdkRun
    from conformance.servers.environments import Environment, EnvSpec

    environment = Environment(EnvSpec("sdk-openai", (OPENAI,)), tmp_path)
    monkeypatch.setattr(clients_module, "ensure_environment", lambda *_a, **_k: environment)
    printed = SdkRun(
        version="3.57.0",
        outcomes={
            "models.list": FlowOutcome("models.list", "pass", warnings=("UserWarning: odd field 'x'",)),
            "models.retrieve": FlowOutcome("models.retrieve", "fail", "openai.NotFoundError", "Error code: 404"),
        },
        crashed="the openai flow script exited with status 1: Killed",
    )
    monkeypatch.setattr(clients_module, "run_flows", lambda *_a, **_k: printed)
    options = RunOptions(include=("clients/openai/models.*", "clients/openai/chat.create"))
    cases = {c.id: c for c in _run(serve_app(make_app()), options=options)}
    warned = cases["clients/openai/models.list"]
    assert warned.status is Status.FAIL  # a SHOULD finding, and --fail-on is SHOULD by default
    (finding,) = warned.findings
    assert (finding.check_id, finding.severity) == ("sdk-openai-models-list-warning", Severity.SHOULD)
    assert finding.message == "openai 3.57.0 models.list warned: UserWarning: odd field 'x'"
    failed = cases["clients/openai/models.retrieve"]
    assert failed.status is Status.FAIL
    assert failed.findings[0].message == ("openai 3.57.0 models.retrieve raised openai.NotFoundError: Error code: 404")
    died = cases["clients/openai/chat.create"]
    assert (died.status, died.error) == (Status.ERROR, "the openai flow script exited with status 1: Killed")


@pytest.mark.sdk
@pytest.mark.parametrize(
    ("broken", "failing", "said"),
    [
        ("sdk-file-content-as-json", {"files.content"}, "the content is b'{"),
        ("sdk-file-upload-no-filename", {"files.create"}, "filename is None, not 'conformance.txt'"),
        ("sdk-vector-store-delete-not-deleted", {"vector-stores.delete"}, "deleted is False, not true"),
    ],
)
def test_each_files_and_vector_stores_break_fails_exactly_its_flow(
    serve_app: Callable[[Any], str], broken: str, failing: set[str], said: str
) -> None:
    options = RunOptions(include=("clients/openai/files.*", "clients/openai/vector-stores.*"))
    cases = {c.id.removeprefix("clients/openai/"): c for c in _run(serve_app(make_app({broken})), options=options)}
    assert len(cases) == 10
    assert {name for name, c in cases.items() if c.status is not Status.PASS} == failing
    for name in failing:
        (finding,) = cases[name].findings
        assert finding.check_id == f"sdk-openai-{name.replace('.', '-')}"
        assert said in finding.message
