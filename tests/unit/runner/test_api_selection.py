"""``--api``: every suite runs the selected APIs' cases and turns the others into ``disabled`` ones
without sending anything for them (against a fake that implements only chat completions and models)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml

from conformance.cassettes import load_profile_cassettes
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import get_profile
from conformance.core.results import CaseResult, Status, Target
from conformance.runner.base import RunContext, RunOptions, Suite
from conformance.runner.errors import ErrorsSuite
from conformance.runner.property import PropertySettings, PropertySuite
from conformance.runner.replay import ReplaySuite
from conformance.runner.smoke import SmokeSuite
from conformance.runner.streaming import StreamingSuite, StreamValidators
from tests.fakes import SyncASGITransport, run_suite
from tests.fakes.chat_only import CHAT_ONLY_PREFIXES, make_chat_only_app
from tests.fakes.server import SPEC_TOOL_DELTA_CASE

PROFILE = get_profile("ogx-1.5")
CHAT = RunOptions(apis=("chat",), exclude=(SPEC_TOOL_DELTA_CASE,))


def _run(suite: Suite, seen: list[str], breaks: Iterable[str] = ()) -> list[CaseResult]:
    client = TargetClient(
        ClientSettings(base_url="http://fake.test"), transport=SyncASGITransport(make_chat_only_app(seen, breaks))
    )
    return run_suite(suite, profile=PROFILE, options=CHAT, client=client)


def _only_selected_apis_were_called(seen: list[str]) -> None:
    assert seen
    assert all(line.split(" ", 1)[1].startswith(CHAT_ONLY_PREFIXES) for line in seen), seen


def _api(case: CaseResult) -> str:
    assert case.operation is not None
    return PROFILE.api_of(case.operation)


@pytest.mark.parametrize(
    "suite",
    [SmokeSuite(), StreamingSuite(validators=StreamValidators.from_spec("ogx-1.5")), ErrorsSuite()],
    ids=["smoke", "streaming", "errors"],
)
def test_cases_of_apis_left_out_are_disabled_and_nothing_is_sent_for_them(suite: Suite) -> None:
    seen: list[str] = []
    cases = _run(suite, seen)
    disabled = [c for c in cases if c.status is Status.DISABLED]
    judged = [c for c in cases if c.status is not Status.DISABLED]
    assert disabled
    assert judged
    assert {c.status for c in judged} == {Status.PASS}, [(c.id, c.findings) for c in judged if c.findings]
    assert {_api(c) for c in judged if c.operation != "all error probes"} <= {"chat", "models"}
    for case in disabled:
        api = _api(case)
        assert api not in {"chat", "models"}
        if api != "agents":  # ogx-1.5 has no Agents API at all: that reason comes first
            assert case.reason == f"API {api} not selected by --api chat"
    _only_selected_apis_were_called(seen)


def test_the_errors_summary_judges_the_probes_of_the_selected_apis() -> None:
    seen: list[str] = []
    cases = _run(ErrorsSuite(), seen)
    summary = [c for c in cases if c.id.startswith("errors/all-probes/")]
    assert summary
    assert {c.status for c in summary} == {Status.PASS}
    # The connection follow-up goes to the model list, not to GET /v1/health (API inspect, not selected).
    assert "GET /v1/health" not in seen
    assert "GET /v1/models" in seen


def test_a_broken_chat_rule_still_fails_under_api_chat() -> None:
    cases = _run(StreamingSuite(validators=StreamValidators.from_spec("ogx-1.5")), [], {"chat-stream-done-sentinel"})
    failed = [c for c in cases if c.status is Status.FAIL]
    assert failed
    assert {c.check_id for c in failed} == {"chat-stream-done-sentinel"}


def _ctx(apis: tuple[str, ...]) -> RunContext:
    client = TargetClient(ClientSettings(base_url="http://127.0.0.1:9"))
    target = Target(base_url="http://127.0.0.1:9", profile=PROFILE.id)
    return RunContext(client=client, profile=PROFILE, target=target, options=RunOptions(apis=apis))


def test_unselected_names_the_apis_left_out_and_the_selection() -> None:
    assert _ctx(()).unselected("POST /v1/conversations") is None
    ctx = _ctx(("chat", "responses"))
    assert ctx.unselected("POST /v1/chat/completions", "GET /v1/models") is None
    assert ctx.unselected("POST /v1/responses", "POST /v1/conversations", "POST /v1/files") == (
        "API conversations, files not selected by --api chat,responses"
    )


def test_the_property_suite_gives_schemathesis_only_the_selected_operations() -> None:
    _schema, operations, disabled = PropertySuite()._load(_ctx(("chat",)), "http://127.0.0.1:9")
    assert {PROFILE.api_of(op) for op in operations} == {"chat", "models"}
    assert len(operations) == 6
    assert len(operations) + len(disabled) == 74
    assert disabled["POST /v1/responses"] == "API responses not selected by --api chat"


def test_a_property_run_with_nothing_selected_sends_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    responses = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/v1/responses": {"post": {"responses": responses}}, "/v1/files": {"get": {"responses": responses}}},
    }
    spec.write_text(yaml.safe_dump(document))
    # Nothing listens on port 9: a request would be a harness error, not a disabled case.
    cases = list(PropertySuite(PropertySettings(spec_path=spec)).run(_ctx(("chat",))))
    assert [(c.id, c.status, c.reason) for c in cases] == [
        ("property/GET /v1/files", Status.DISABLED, "API files not selected by --api chat"),
        ("property/POST /v1/responses", Status.DISABLED, "API responses not selected by --api chat"),
    ]


def test_a_cassette_is_replayed_only_when_all_its_operations_are_selected() -> None:
    wanted = ("conversations-crud", "responses-conversation", "responses-create")
    cassettes = load_profile_cassettes(PROFILE.recordings, PROFILE.id, wanted)
    seen: list[str] = []
    client = TargetClient(
        ClientSettings(base_url="http://fake.test"), transport=SyncASGITransport(make_chat_only_app(seen))
    )
    suite = ReplaySuite(PROFILE, cassettes=cassettes)
    cases = run_suite(suite, profile=PROFILE, options=RunOptions(apis=("responses",)), client=client)
    by_scenario: dict[str, set[Status]] = {}
    for case in cases:
        by_scenario.setdefault(case.replay.scenario if case.replay else "", set()).add(case.status)
    assert by_scenario["conversations-crud"] == {Status.DISABLED}
    assert by_scenario["responses-conversation"] == {Status.DISABLED}  # calls conversations too
    assert Status.DISABLED not in by_scenario["responses-create"]
    verdicts = {c.id: c.reason for c in cases if c.id.count("/") == 1}
    assert verdicts["replay/conversations-crud"] == "API conversations not selected by --api responses"
    assert not [line for line in seen if "/conversations" in line]
