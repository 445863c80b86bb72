"""Replay against in-process servers: the same one (quiet), and deliberately altered ones (exact findings)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.cassettes import Cassette, load_profile_cassettes
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import ExitCode
from conformance.core.profiles import PROFILES, get_profile
from conformance.core.results import RunResult, Status, Target
from conformance.diff import Strictness
from conformance.runner.base import RunContext, RunOptions, execute
from conformance.runner.record import record_scenarios
from conformance.runner.replay import ReplaySuite, operation_template
from conformance.scenarios import get_scenario, scenarios_for
from tests.unit.scenarios.fake_api import Alterations, make_app

PROFILE = get_profile("ogx-1.5")
SCENARIOS = ("responses-create", "responses-stream", "responses-chain", "responses-list", "responses-errors")
Serve = Callable[[Any], str]


@pytest.fixture(autouse=True)
def _no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scenarios wait a second between list entries; the fake server orders without ties."""
    monkeypatch.setattr("conformance.scenarios.base.time.sleep", lambda _s: None)
    monkeypatch.setattr("conformance.runner.replay.time.sleep", lambda _s: None)


def _target(base_url: str) -> Target:
    return Target(base_url=base_url, profile=PROFILE.id, server="fake", version="1.5.0")


@pytest.fixture
def cassettes(serve_app: Serve, tmp_path: Path) -> list[Cassette]:
    base_url = serve_app(make_app())
    with TargetClient(ClientSettings(base_url=base_url)) as client:
        chosen = [get_scenario(s) for s in SCENARIOS]
        record_scenarios(client, chosen, profile=PROFILE, target=_target(base_url), folder=tmp_path)
    return load_profile_cassettes(tmp_path, PROFILE.id)


def _replay(base_url: str, cassettes: list[Cassette], strictness: Strictness = Strictness.SCHEMA) -> RunResult:
    with TargetClient(ClientSettings(base_url=base_url)) as client:
        ctx = RunContext(client=client, profile=PROFILE, target=_target(base_url), options=RunOptions())
        return execute([ReplaySuite(PROFILE, cassettes=cassettes, strictness=strictness)], ctx)


def _findings(result: RunResult) -> Iterator[tuple[str, str, str]]:
    """(case id, rule, path) of every finding."""
    for case in result.cases:
        for difference in case.replay.differences if case.replay is not None else ():
            yield case.id, difference.rule, difference.path


def _interaction_cases(cassettes: list[Cassette]) -> Iterator[tuple[str, str]]:
    """(case id, recorded response body) of every recorded interaction."""
    for cassette in cassettes:
        for n, interaction in enumerate(cassette.interactions):
            yield f"replay/{cassette.name}/{n + 1:02d}-{interaction.step}", interaction.response.body


@pytest.mark.parametrize("strictness", list(Strictness))
def test_replay_against_an_unaltered_server_finds_no_difference(
    serve_app: Serve, cassettes: list[Cassette], strictness: Strictness
) -> None:
    result = _replay(serve_app(make_app()), cassettes, strictness)
    assert list(_findings(result)) == []
    assert {c.status for c in result.cases} == {Status.PASS}
    assert result.exit_code is ExitCode.OK


def test_replay_binds_recorded_ids_to_the_target_ids_in_paths_queries_and_bodies(
    serve_app: Serve, cassettes: list[Cassette]
) -> None:
    app = make_app()
    result = _replay(serve_app(app), cassettes, Strictness.VALUES)
    assert list(_findings(result)) == []
    recorded_ids = {
        value
        for cassette in cassettes
        for interaction in cassette.interactions
        for value in _ids_in(interaction.response.body)
    }
    sent = app.state.fake.seen
    # The target answered with its own ids, and the later requests used those, never the recorded ones.
    assert not [line for line in sent if any(rid in line for rid in recorded_ids)]
    assert any("after=resp_" in line for line in sent)  # a query
    assert any('"previous_response_id":"resp_' in line for line in sent)  # a body
    assert any(line.startswith("GET /v1/responses/resp_") for line in sent)  # a path


def _ids_in(body: str) -> set[str]:
    return {token.strip('"') for token in body.replace(",", " ").replace(":", " ").split() if '"resp_' in token}


def test_a_removed_field_is_breaking_on_every_interaction_that_carries_it(
    serve_app: Serve, cassettes: list[Cassette]
) -> None:
    result = _replay(serve_app(make_app(Alterations(drop_field="model"))), cassettes)
    found = list(_findings(result))
    carrying = {case_id for case_id, body in _interaction_cases(cassettes) if '"model"' in body}
    assert carrying  # the fixture exercises the rule at all
    assert {case_id for case_id, _, _ in found} == carrying
    assert {rule for _, rule, _ in found} == {"field-missing"}
    assert all(path.endswith(".model") for _, _, path in found)
    assert result.exit_code is ExitCode.FAILURES


def test_an_added_field_is_additive_and_does_not_fail(serve_app: Serve, cassettes: list[Cassette]) -> None:
    result = _replay(serve_app(make_app(Alterations(add_field="x_extra"))), cassettes)
    found = list(_findings(result))
    assert found
    assert {rule for _, rule, _ in found} == {"field-added"}
    assert result.exit_code is ExitCode.OK


def test_a_timestamp_that_changes_type_is_breaking_although_timestamps_are_masked(
    serve_app: Serve, cassettes: list[Cassette]
) -> None:
    result = _replay(serve_app(make_app(Alterations(created_at_as_string=True))), cassettes)
    found = list(_findings(result))
    assert found
    assert {rule for _, rule, _ in found} == {"type-changed"}
    assert all(path.endswith("created_at") for _, _, path in found)


def test_an_unknown_enum_value_is_breaking(serve_app: Serve, cassettes: list[Cassette]) -> None:
    result = _replay(serve_app(make_app(Alterations(status_value="finished"))), cassettes)
    rules = {rule for _, rule, _ in _findings(result)}
    assert rules == {"enum-value-unknown"}


def test_a_changed_status_code_is_breaking_and_shows_the_closest_recorded_answer(
    serve_app: Serve, cassettes: list[Cassette]
) -> None:
    result = _replay(serve_app(make_app(Alterations(not_found_status=400))), cassettes)
    found = list(_findings(result))
    failing = {case_id for case_id, _, _ in found}
    assert failing == {
        "replay/responses-create/05-get-deleted",
        "replay/responses-errors/01-get-unknown",
        "replay/responses-errors/02-delete-unknown",
    }
    assert {rule for _, rule, _ in found} == {"status-code-changed"}
    case = next(c for c in result.cases if c.id == "replay/responses-create/05-get-deleted")
    # The only recorded 400 JSON answer is the invalid-body error: that is what the target now resembles.
    assert case.replay is not None
    assert case.replay.closest is not None
    assert case.replay.closest.interaction == "responses-errors/create-invalid"
    assert "closest recorded answer: responses-errors/create-invalid" in (case.findings[0].evidence or _no()).response


def _no() -> Any:
    raise AssertionError("the finding has no evidence")


def test_a_dropped_stream_event_is_breaking_on_the_stream_only(serve_app: Serve, cassettes: list[Cassette]) -> None:
    result = _replay(serve_app(make_app(Alterations(drop_event="response.output_text.done"))), cassettes)
    assert list(_findings(result)) == [
        ("replay/responses-stream/01-create-stream", "stream-event-missing", "events[response.output_text.done]")
    ]


def test_swapped_stream_events_are_out_of_order(serve_app: Serve, cassettes: list[Cassette]) -> None:
    swap = ("response.output_text.done", "response.completed")
    result = _replay(serve_app(make_app(Alterations(swap_events=swap))), cassettes)
    assert [(c, r) for c, r, _ in _findings(result)] == [
        ("replay/responses-stream/01-create-stream", "stream-event-out-of-order")
    ]


def test_every_scenario_gets_a_verdict_case_that_fails_with_its_interactions(
    serve_app: Serve, cassettes: list[Cassette]
) -> None:
    result = _replay(serve_app(make_app(Alterations(not_found_status=400))), cassettes)
    verdicts = {c.id: c for c in result.cases if c.replay is not None and c.replay.step is None}
    assert set(verdicts) == {f"replay/{s}" for s in SCENARIOS}
    assert verdicts["replay/responses-errors"].status is Status.FAIL
    assert verdicts["replay/responses-chain"].status is Status.PASS
    errors_verdict = verdicts["replay/responses-errors"].replay
    assert errors_verdict is not None
    assert "failing steps: get-unknown, delete-unknown" in (errors_verdict.verdict or "")


def test_findings_carry_a_readable_diff_and_a_curl_reproduction(serve_app: Serve, cassettes: list[Cassette]) -> None:
    result = _replay(serve_app(make_app(Alterations(drop_field="model"))), cassettes)
    case = next(c for c in result.cases if c.id == "replay/responses-create/01-create")
    finding = case.findings[0]
    assert finding.check_id == "field-missing"
    assert finding.message == 'breaking: body.model is missing (recorded "fake/chat")'
    assert finding.reproduction is not None
    assert finding.reproduction.startswith("curl ")
    assert finding.evidence is not None
    assert '-    "model": "fake/chat",' in finding.evidence.response


def test_cassettes_replay_in_the_order_they_were_recorded(cassettes: list[Cassette]) -> None:
    suite = ReplaySuite(PROFILE, cassettes=list(reversed(cassettes)))
    assert [c.name for c in suite.cassettes()] == list(SCENARIOS)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/v1/responses/resp_1b2c3d4e-aaaa", "GET /v1/responses/{id}"),
        ("GET", "/v1/models/deterministic/conformance-chat", "GET /v1/models/deterministic/conformance-chat"),
        ("POST", "/v1alpha/agents/0f2d0c7d-52cb/session", "POST /v1alpha/agents/{id}/session"),
    ],
)
def test_operation_template_hides_ids_only(method: str, path: str, expected: str) -> None:
    assert operation_template(method, path) == expected


def test_recorded_model_ids_are_mapped_to_the_target_models(serve_app: Serve, cassettes: list[Cassette]) -> None:
    """A recording made with another server's model names replays with the target's own models."""
    elsewhere = "elsewhere/chat-model"

    def _renamed(body: str | None) -> str:
        return (body or "").replace("fake/chat", elsewhere)

    renamed = [
        cassette.model_copy(
            update={
                "meta": cassette.meta.model_copy(update={"models": {"chat": elsewhere}}),
                "interactions": tuple(
                    i.model_copy(update={"request": i.request.model_copy(update={"body": _renamed(i.request.body)})})
                    for i in cassette.interactions
                ),
            }
        )
        for cassette in cassettes
    ]
    assert any(elsewhere in (i.request.body or "") for c in renamed for i in c.interactions)
    app = make_app()
    result = _replay(serve_app(app), renamed)
    assert list(_findings(result)) == []
    assert not [line for line in app.state.fake.seen if elsewhere in line]


def test_a_profile_without_recordings_is_skipped_not_an_error(tmp_path: Path) -> None:
    suite = ReplaySuite(PROFILE, recordings=tmp_path)
    with TargetClient(ClientSettings(base_url="http://127.0.0.1:9")) as client:
        ctx = RunContext(client=client, profile=PROFILE, target=_target("http://127.0.0.1:9"), options=RunOptions())
        (case,) = list(suite.run(ctx))
    assert case.status is Status.SKIP
    assert case.reason == f"no recordings for ogx-1.5 in {tmp_path / 'ogx-1.5'}"


def test_the_committed_recordings_of_every_profile_load() -> None:
    for profile in PROFILES.values():
        cassettes = ReplaySuite(profile).cassettes()
        assert [c.name for c in cassettes] == [s.id for s in scenarios_for(profile)]


class _Clock:
    """Stands in for the ``time`` module of the runner: time passes only while a replay pauses."""

    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    @staticmethod
    def monotonic() -> float:
        return time.monotonic()


def test_each_case_carries_its_own_time_and_a_scenario_verdict_not_its_interactions_again(
    serve_app: Serve, cassettes: list[Cassette], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = _Clock()
    monkeypatch.setattr("conformance.runner.replay.time", clock)
    monkeypatch.setattr("conformance.runner.base.time", clock)
    result = _replay(serve_app(make_app()), cassettes)
    paused = {
        f"replay/{c.name}/{n + 1:02d}-{i.step}": c.meta.pauses[i.step]
        for c in cassettes
        for n, i in enumerate(c.interactions)
        if i.step in c.meta.pauses
    }
    assert paused, "a recording with a pause"
    assert {c.id: c.duration_s for c in result.cases if c.duration_s} == paused
    assert sum(c.duration_s for c in result.cases) == sum(paused.values())  # junit.xml's suite time


def _slow_jobs_app() -> Any:
    """Background jobs that are done only at their third read-back (however fast the machine is)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    reads: dict[str, int] = {}

    async def create(_request: Request) -> JSONResponse:
        job_id = f"job_{len(reads)}"
        reads[job_id] = 0
        return JSONResponse({"id": job_id, "status": "queued"})

    async def read(request: Request) -> JSONResponse:
        job_id = request.path_params["job_id"]
        reads[job_id] += 1
        return JSONResponse({"id": job_id, "status": "completed" if reads[job_id] >= 3 else "in_progress"})

    async def models(_request: Request) -> JSONResponse:
        return JSONResponse({"object": "list", "data": [{"id": "m", "object": "model"}]})

    return Starlette(
        routes=[
            Route("/v1/models", models),
            Route("/v1/jobs", create, methods=["POST"]),
            Route("/v1/jobs/{job_id}", read),
        ]
    )


def test_a_settling_step_is_recorded_settled_and_replay_polls_the_same_way(serve_app: Serve, tmp_path: Path) -> None:
    from conformance.core.settle import Settle
    from conformance.scenarios import Scenario, ScenarioContext

    def flow(ctx: ScenarioContext) -> None:
        job_id = ctx.require(ctx.call("create", "POST", "/v1/jobs", json={}), "id")
        ctx.call("done", "GET", f"/v1/jobs/{job_id}", settle=Settle(field="status", until=("completed",)))

    scenario = Scenario("jobs-settle", "a job read back when done", "jobs", frozenset({PROFILE.id}), flow)
    recorded_at = serve_app(_slow_jobs_app())
    with TargetClient(ClientSettings(base_url=recorded_at)) as client:
        record_scenarios(client, [scenario], profile=PROFILE, target=_target(recorded_at), folder=tmp_path)
    [cassette] = load_profile_cassettes(tmp_path, PROFILE.id)
    assert [i.step for i in cassette.interactions] == ["create", "done"]  # the polls before it are not kept
    assert '"completed"' in (cassette.interactions[1].response.body or "")
    assert cassette.meta.settles == {"done": Settle(field="status", until=("completed",))}

    base_url = serve_app(_slow_jobs_app())
    assert _replay(base_url, [cassette]).exit_code is ExitCode.OK
    # Without the rule the replay reads the job once, still in progress: a difference it reports.
    unsettled = cassette.model_copy(update={"meta": cassette.meta.model_copy(update={"settles": {}})})
    result = _replay(serve_app(_slow_jobs_app()), [unsettled])
    assert ("replay/jobs-settle/02-done", "body.status") in {(case, path) for case, _rule, path in _findings(result)}
