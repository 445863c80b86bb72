"""Declarative (YAML) scenarios: the format, its bindings and what stops a flow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import UsageError
from conformance.core.profiles import PROFILES, Profile
from conformance.scenarios import Models, ScenarioContext, ScenarioError
from conformance.scenarios import base as scenario_base
from conformance.scenarios.declarative import load_scenario_file

USER_PROFILE = Profile("my-api", "My API", home=Path("/nowhere"), api_prefixes=("/api",))

FLOW = """\
title: Create a thing, read it, stream about it
steps:
  - name: create
    method: post
    path: /api/things
    query: {verbose: true}
    headers: {X-Tenant: blue}
    body: {model: "${models.chat}", size: 3}
    status: [200, 201]
  - name: read
    pause: 0.5
    method: GET
    path: /api/things/${steps.create.body.id}
    status: 200
  - name: stream
    method: POST
    path: /v1/chat/completions
    body: {model: "${models.chat}", thing: "${steps.read.body.thing}", note: "status ${steps.read.status}"}
    stream: true
  - name: follow
    method: GET
    path: /api/things/${steps.stream.events.0.id}
"""


def _write(tmp_path: Path, text: str, name: str = "things-flow.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _run(path: Path, answers: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    """Run the file as a user profile's scenario against canned answers; the requests it sent (and the
    pauses it recorded in ``PAUSES[-1]``)."""
    monkeypatch.setattr(scenario_base.time, "sleep", lambda _seconds: None)
    scenario = load_scenario_file(path, USER_PROFILE)
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        response: httpx.Response = answers[f"{request.method} {request.url.path}"]
        return response

    with TargetClient(ClientSettings(base_url="http://127.0.0.1:1"), transport=httpx.MockTransport(answer)) as client:
        ctx = ScenarioContext(client, Models(chat="m/chat"), scenario_id=scenario.id)
        scenario.run(ctx)
    PAUSES.append(ctx.pauses)
    return sent


PAUSES: list[dict[str, float]] = []


ANSWERS = {
    "POST /api/things": httpx.Response(201, json={"id": "thing_1", "size": 3}),
    "GET /api/things/thing_1": httpx.Response(200, json={"id": "thing_1", "thing": {"size": 3}}),
    "POST /v1/chat/completions": httpx.Response(
        200, headers={"content-type": "text/event-stream"}, text='data: {"id": "thing_2"}\n\ndata: [DONE]\n\n'
    ),
    "GET /api/things/thing_2": httpx.Response(404, json={"error": {"message": "no"}}),
}


def test_a_flow_sends_its_steps_with_the_bindings_filled_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sent = _run(_write(tmp_path, FLOW), ANSWERS, monkeypatch)
    assert [f"{r.method} {r.url.path}" for r in sent] == list(ANSWERS)
    assert PAUSES[-1] == {"read": 0.5}  # recorded in the cassette, so a replay waits there too
    create, _read, stream, _follow = sent
    assert create.url.params["verbose"] == "True"
    assert create.headers["x-tenant"] == "blue"
    assert json.loads(create.content) == {"model": "m/chat", "size": 3}
    # A string that is exactly one binding takes the value as it is; inside text it is text.
    assert json.loads(stream.content) == {"model": "m/chat", "thing": {"size": 3}, "note": "status 200"}


def test_the_file_is_a_scenario_with_its_api_and_the_others_it_uses(tmp_path: Path) -> None:
    scenario = load_scenario_file(_write(tmp_path, FLOW), USER_PROFILE)
    assert (scenario.id, scenario.api, scenario.uses) == ("things-flow", "things", ("chat",))
    assert scenario.profiles == frozenset({"my-api"})
    assert not scenario.expects_errors


def test_an_unexpected_status_stops_the_flow_with_the_server_s_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {**ANSWERS, "POST /api/things": httpx.Response(500, json={"error": {"message": "db down"}})}
    with pytest.raises(ScenarioError) as raised:
        _run(_write(tmp_path, FLOW), answers, monkeypatch)
    assert raised.value.message.startswith(
        "scenario things-flow, step create: POST /api/things answered 500, the flow needs 200 or 201:"
    )
    assert "db down" in raised.value.message


def test_a_binding_the_answer_lacks_stops_the_flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {**ANSWERS, "POST /api/things": httpx.Response(200, json={"name": "no id"})}
    with pytest.raises(ScenarioError) as raised:
        _run(_write(tmp_path, FLOW), answers, monkeypatch)
    assert raised.value.message == (
        "scenario things-flow, step read: ${steps.create.body.id} is not in the answer to step create "
        "(POST /api/things answered 200); the flow cannot go on"
    )


def test_a_missing_embedding_model_stops_the_flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(
        tmp_path, "title: t\nsteps:\n- {name: e, method: POST, path: /v1/embeddings, body: '${models.embedding}'}\n"
    )
    with pytest.raises(ScenarioError, match="the server lists no embedding model"):
        _run(path, ANSWERS, monkeypatch)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: t\nsteps: []\n", "steps: Tuple should have at least 1 item"),
        ("title: t\nsteps:\n- {name: a, method: GET, path: v1/x}\n", "line 3: steps.0.path: 'v1/x' is not a path"),
        ("title: t\nsteps:\n- {name: a b, method: GET, path: /x}\n", "line 3: steps.0.name: 'a b' is not a step name"),
        (
            "title: t\nsteps:\n- {name: a, method: GET, path: /x}\n- {name: a, method: GET, path: /y}\n",
            "line 4: steps.1 (a): the step name 'a' is used twice",
        ),
        (
            "title: t\nsteps:\n- {name: a, method: GET, path: '/x/${steps.b.body.id}'}\n",
            "line 3: steps.0 (a): ${steps.b.body.id}: no earlier step is named 'b'",
        ),
        (
            "title: t\nsteps:\n- {name: a, method: GET, path: /x}\n"
            "- {name: b, method: GET, path: '/${steps.a.json}'}\n",
            "steps.a.json: use status, body or events",
        ),
        (
            "title: t\nsteps:\n- {name: a, method: GET, path: '/${models.vision}'}\n",
            "use models.chat or models.embedding",
        ),
        (
            "title: t\nsteps:\n- {name: a, method: GET, path: /x, colour: red}\n",
            "colour: Extra inputs are not permitted",
        ),
        ("title: t\nsteps: [\n", "line 3, column 1: not valid YAML"),
        ("- a list\n", "expected a mapping with 'title' and 'steps'"),
    ],
)
def test_a_malformed_scenario_is_a_usage_error_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(UsageError) as raised:
        load_scenario_file(path, USER_PROFILE)
    assert raised.value.message.startswith(f"scenario {path}")
    assert message in raised.value.message
    assert "\n" not in raised.value.message


def test_profiles_are_for_built_in_flows_only(tmp_path: Path) -> None:
    text = "title: t\nprofiles: [ogx-1.5]\nsteps:\n- {name: a, method: GET, path: /v1/models}\n"
    assert load_scenario_file(_write(tmp_path, text)).profiles == frozenset({"ogx-1.5"})
    with pytest.raises(UsageError, match="'profiles' is for built-in flows"):
        load_scenario_file(_write(tmp_path, text), USER_PROFILE)
    unknown = text.replace("ogx-1.5", "ogx-9")
    with pytest.raises(UsageError, match="unknown profile 'ogx-9'"):
        load_scenario_file(_write(tmp_path, unknown))
    everywhere = "title: t\nsteps:\n- {name: a, method: GET, path: /v1/models}\n"
    assert load_scenario_file(_write(tmp_path, everywhere)).profiles == frozenset(PROFILES)


def test_an_answer_is_bound_by_status_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "title: t\nsteps:\n- {name: a, method: GET, path: /api/x, status: 404}\n"
        "- {name: b, method: POST, path: /api/y, body: {seen: '${steps.a.status}'}}\n"
    )
    answers: dict[str, Any] = {
        "GET /api/x": httpx.Response(404, json={}),
        "POST /api/y": httpx.Response(200, json={}),
    }
    _, posted = _run(_write(tmp_path, text), answers, monkeypatch)
    assert json.loads(posted.content) == {"seen": 404}
