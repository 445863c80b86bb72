"""conformance/runner/streaming.py: the streaming suite against the in-memory fake."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

from conformance.checks import all_checks, checks_for
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import HarnessError
from conformance.core.results import Status
from conformance.runner.base import RunOptions
from conformance.runner.blocked import BlockedError
from conformance.runner.errors import PROBES, SUMMARY
from conformance.runner.smoke import CALLS
from conformance.runner.streaming import SCENARIOS, StreamingSuite, pick_model
from tests.fakes import CHAT_MODEL, SyncASGITransport, make_app, run_suite
from tests.fakes.harness import BASE_URL
from tests.fakes.transport import ASGISocketConnector, BrokenStream


class Recording(httpx.BaseTransport):
    """Forwards to the fake and remembers every request line."""

    def __init__(self, breaks: tuple[str, ...] = ()) -> None:
        self.app = make_app(breaks)
        self.inner = SyncASGITransport(self.app)
        self.seen: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(f"{request.method} {request.url.path}")
        return self.inner.handle_request(request)


def _client(transport: httpx.BaseTransport, app: object | None = None) -> TargetClient:
    """A client over ``transport`` whose WebSockets go to ``app`` (the Recording's app, or a fresh fake)."""
    if app is None:
        app = transport.app if isinstance(transport, Recording) else make_app()
    return TargetClient(ClientSettings(base_url=BASE_URL), transport=transport, connector=ASGISocketConnector(app))


def _models(payload: object) -> TargetClient:
    return _client(httpx.MockTransport(lambda request: httpx.Response(200, json=payload)))


def test_every_scenario_yields_one_case_per_applicable_check() -> None:
    cases = run_suite(StreamingSuite())
    expected = [(s.name, c.id) for s in SCENARIOS for c in checks_for(s.kinds)]
    assert [(c.id.rsplit("/", 1)[0].removeprefix("streaming/"), c.check_id) for c in cases] == expected
    assert all(c.suite == "streaming" and c.operation for c in cases)
    assert {c.status for c in cases} == {Status.PASS, Status.SKIP}


def test_the_agents_scenario_is_disabled_without_the_agents_api_and_sends_nothing() -> None:
    transport = Recording()
    cases = run_suite(StreamingSuite(), profile="ogx-1.5", client=_client(transport))
    agents = [c for c in cases if c.id.startswith("streaming/agents/")]
    assert agents
    assert {c.status for c in agents} == {Status.DISABLED}
    assert all(c.reason == "profile ogx-1.5 has no Agents API" for c in agents)
    assert not [line for line in transport.seen if "agents" in line]


def test_unselected_scenarios_send_nothing() -> None:
    transport = Recording()
    options = RunOptions(include=("streaming/chat-completions/include-usage/*",))
    cases = run_suite(StreamingSuite(), options=options, client=_client(transport))
    assert {"/".join(c.id.split("/")[1:3]) for c in cases} == {"chat-completions/include-usage"}
    assert transport.seen == ["GET /v1/models", "POST /v1/chat/completions"]


def test_each_chat_stream_scenario_sends_one_request_asking_for_what_its_rules_judge() -> None:
    transport = Recording()
    options = RunOptions(include=("streaming/chat-completions/*",))
    cases = run_suite(StreamingSuite(), options=options, client=_client(transport))
    scenarios = {"/".join(c.id.split("/")[1:3]) for c in cases}
    assert scenarios == {
        "chat-completions/include-usage",
        "chat-completions/tool-call",
        "chat-completions/n-choices",
        "chat-completions/logprobs",
    }
    assert transport.seen == ["GET /v1/models"] + ["POST /v1/chat/completions"] * 4
    assert not [c for c in cases if c.error], [c.error for c in cases if c.error]


def test_the_responses_stream_is_read_back_and_cleaned_up() -> None:
    transport = Recording()
    run_suite(StreamingSuite(), options=RunOptions(include=("streaming/responses/text/*",)), client=_client(transport))
    assert transport.seen[1] == "POST /v1/responses"
    assert transport.seen[2].startswith("GET /v1/responses/resp_")
    assert transport.seen[3].startswith("DELETE /v1/responses/resp_")


def test_a_refused_agent_setup_makes_that_scenario_an_error() -> None:
    def refuse_agents(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1alpha/agents":
            return httpx.Response(503, json={"detail": "agents are down"})
        return fake.handle_request(request)

    app = make_app()
    fake = SyncASGITransport(app)
    cases = run_suite(StreamingSuite(), client=_client(httpx.MockTransport(refuse_agents), app))
    agents = [c for c in cases if c.id.startswith("streaming/agents/")]
    assert {c.status for c in agents} == {Status.ERROR}
    assert all("setup POST /v1alpha/agents answered HTTP 503" in (c.error or "") for c in agents)
    assert {c.status for c in cases if not c.id.startswith("streaming/agents/")} <= {Status.PASS, Status.SKIP}


def test_a_connection_lost_mid_stream_is_a_harness_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/responses":
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=BrokenStream())
        return fake.handle_request(request)

    fake = SyncASGITransport(make_app())
    options = RunOptions(include=("streaming/responses/text/*",))
    cases = run_suite(StreamingSuite(), options=options, client=_client(httpx.MockTransport(handler)))
    assert {c.status for c in cases} == {Status.ERROR}
    assert "the stream broke: RemoteProtocolError" in (cases[0].error or "")


def test_pick_model_prefers_the_conformance_chat_model() -> None:
    listing = {
        "data": [{"identifier": "p/other", "model_type": "llm"}, {"identifier": CHAT_MODEL, "model_type": "llm"}]
    }
    assert pick_model(_models(listing)) == CHAT_MODEL


def test_pick_model_understands_the_openai_listing_and_skips_embeddings() -> None:
    listing = {
        "object": "list",
        "data": [
            {"id": "p/embed", "custom_metadata": {"model_type": "embedding"}},
            {"id": "p/llm", "custom_metadata": {"model_type": "llm"}},
        ],
    }
    assert pick_model(_models(listing)) == "p/llm"


def test_pick_model_without_an_llm_is_a_harness_error() -> None:
    """A valid listing without any LLM is how the server is configured, not a broken contract."""
    with pytest.raises(HarnessError, match="lists no LLM model"):
        pick_model(_models({"data": [{"identifier": "p/embed", "model_type": "embedding"}]}))


def test_pick_model_without_a_data_list_is_blocked_by_the_server() -> None:
    with pytest.raises(BlockedError) as raised:
        pick_model(_models({"detail": "nope"}))
    assert raised.value.reason == "blocked: GET /v1/models answered without a `data` list"
    finding = raised.value.finding
    assert (finding.check_id, finding.severity, finding.operation) == ("models-list-usable", "MUST", "GET /v1/models")
    assert finding.message == "HTTP 200 OK without a `data` list (the body has keys 'detail'); no model can be picked"


def test_pick_model_on_an_error_answer_quotes_the_server() -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(503, json={"error": {"message": "models warming up"}}))
    with pytest.raises(BlockedError) as raised:
        pick_model(_client(transport))
    assert raised.value.reason == "blocked: GET /v1/models answered HTTP 503 Service Unavailable: models warming up"


def test_no_model_makes_every_case_an_error_with_the_reason() -> None:
    client = _models({"data": []})
    cases = run_suite(StreamingSuite(), client=client)
    assert {c.status for c in cases} == {Status.ERROR}
    assert len(cases) == sum(len(checks_for(s.kinds)) for s in SCENARIOS)
    assert all("lists no LLM model" in (c.error or "") for c in cases)


def test_checks_cover_the_registry_between_the_suites() -> None:
    smoke_kinds = {k for call in CALLS for k in call.judged.kinds}
    error_kinds = {k for p in PROBES for k in p.judged.kinds} | set(SUMMARY.kinds)
    kinds = {k for s in SCENARIOS for k in s.kinds} | error_kinds | smoke_kinds
    assert {c.kind for c in all_checks()} == kinds


def test_the_websocket_responses_are_read_back_and_cleaned_up_over_http() -> None:
    transport = Recording()
    options = RunOptions(include=("streaming/responses-websocket/*",))
    cases = run_suite(StreamingSuite(), options=options, client=_client(transport))
    assert {c.status for c in cases} == {Status.PASS, Status.SKIP}
    # text: one response read back and deleted; continuation: the second read back, both deleted;
    # store: false responses are never stored, so nothing is read back or deleted for them; the
    # compacted window of compact-new-chain comes over HTTP before its socket.
    sent = [tuple(line.split(" ")[:2]) for line in transport.seen[1:]]
    assert [method for method, _ in sent] == ["GET", "DELETE", "GET", "DELETE", "DELETE", "POST", "DELETE"]
    assert sent[-2:] == [("POST", "/v1/responses/compact"), ("DELETE", "/v1/responses/resp_fakecompact")]
    assert all(path.startswith("/v1/responses/resp_") for _, path in sent[:-2])
    skipped = {c.id for c in cases if c.status is Status.SKIP}
    unread = {
        f"streaming/responses-websocket/{name}/final-matches-retrieve"
        for name in ("store-false-continuation", "compact-new-chain")
    }
    no_schema = {c.id for c in cases if c.check_id == "responses-stream-event-schema"}  # no validator given
    assert skipped == {*unread, *no_schema}


def test_a_server_that_does_not_switch_protocols_skips_every_websocket_case_with_its_answer() -> None:
    app = make_app()
    no_sockets = Starlette(routes=[r for r in app.routes if not isinstance(r, WebSocketRoute)])
    options = RunOptions(include=("streaming/responses-websocket/*",))
    client = _client(SyncASGITransport(app), no_sockets)
    cases = run_suite(StreamingSuite(), options=options, client=client)
    assert len(cases) == sum(len(checks_for(s.kinds)) for s in SCENARIOS if s.name.startswith("responses-websocket/"))
    assert {c.status for c in cases} == {Status.SKIP}
    reason = "the server does not serve WebSocket on /v1/responses: the upgrade was answered HTTP 403"
    assert all((c.reason or "").startswith(reason) for c in cases), {c.reason for c in cases}


@pytest.mark.parametrize(
    "rule", ["responses-stream-first-event", "responses-stream-sequence-number", "responses-stream-text-deltas"]
)
def test_the_responses_stream_rules_judge_the_sse_stream_and_the_websocket_turns_alike(rule: str) -> None:
    cases = run_suite(StreamingSuite(), [rule], options=RunOptions(include=("streaming/responses*",)))
    fired = {c.id.rsplit("/", 1)[0] for c in cases if c.findings}
    assert fired == {
        "streaming/responses/text",
        "streaming/responses/function-call",
        "streaming/responses-websocket/text",
        "streaming/responses-websocket/continuation",
        "streaming/responses-websocket/store-false-continuation",
        "streaming/responses-websocket/compact-new-chain",
    } - ({"streaming/responses/function-call"} if rule == "responses-stream-text-deltas" else set())
    assert {f.check_id for c in cases for f in c.findings} == {rule}


def test_a_failed_compaction_skips_the_compacted_chain_with_its_status() -> None:
    failing = make_app()
    down = Route("/v1/responses/compact", lambda _r: JSONResponse({"error": "down"}, status_code=503), methods=["POST"])
    failing.router.routes.insert(0, down)
    options = RunOptions(include=("streaming/responses-websocket/compact-new-chain/*",))
    cases = run_suite(StreamingSuite(), options=options, client=_client(SyncASGITransport(failing)))
    assert cases
    assert {c.status for c in cases} == {Status.SKIP}
    assert {c.reason for c in cases} == {
        "POST /v1/responses/compact answered HTTP 503 without an output list, so there was no compacted window "
        "to continue (see replay/responses-compact)"
    }
