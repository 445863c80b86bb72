"""Every scenario of every built-in profile still sends what its committed cassette recorded.

The scenario runs against a transport that answers with the cassette's recorded responses, in
order; each request it sends must be the recorded one (method, path, query, JSON body). So a flow
moved from Python to YAML, or edited, cannot drift from its recordings unnoticed: the recordings
are generated files of the profile table, and this is the test that they agree.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from conformance.cassettes import Cassette, load_cassette
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import PROFILES, Profile
from conformance.scenarios import Models, ScenarioContext, scenarios_for
from conformance.scenarios import base as scenario_base

CASES = [
    pytest.param(profile, scenario.id, id=f"{profile.id}/{scenario.id}")
    for profile in PROFILES.values()
    for scenario in scenarios_for(profile)
]


def _body(raw: bytes | str | None) -> Any:
    if not raw:
        return None
    text = raw.decode() if isinstance(raw, bytes) else raw
    try:
        return json.loads(text)
    except ValueError:
        return text  # multipart: compared as text (the boundary is fixed)


def _request_of(method: str, url: str, body: Any) -> tuple[str, str, list[tuple[str, str]], Any]:
    parts = urlsplit(url)
    return method, parts.path, sorted(parse_qsl(parts.query)), body


def test_every_scenario_of_a_profile_has_a_recording_and_every_recording_a_scenario() -> None:
    for profile in PROFILES.values():
        recorded = {path.stem for path in profile.recordings.glob("*.yaml")}
        assert recorded == {s.id for s in scenarios_for(profile)}, profile.id


@pytest.mark.parametrize(("profile", "scenario_id"), CASES)
def test_scenario_sends_what_its_recording_holds(
    profile: Profile, scenario_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scenario_base.time, "sleep", lambda _seconds: None)
    cassette: Cassette = load_cassette(profile.recordings / f"{scenario_id}.yaml")
    interactions = list(cassette.interactions)
    sent: list[tuple[str, str, list[tuple[str, str]], Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        index = len(sent)
        sent.append(_request_of(request.method, str(request.url), _body(request.read())))
        assert index < len(interactions), f"{scenario_id}: more requests than the recording holds: {sent[-1]}"
        recorded = interactions[index]
        assert sent[-1] == _request_of(recorded.request.method, recorded.request.uri, _body(recorded.request.body)), (
            f"{scenario_id}, request {index + 1} ({recorded.step})"
        )
        headers = {k: v for k, v in recorded.response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(recorded.response.status, headers=headers, content=recorded.response.body.encode())

    models = Models(chat=cassette.meta.models["chat"], embedding=cassette.meta.models.get("embedding"))
    scenario = next(s for s in scenarios_for(profile) if s.id == scenario_id)
    settings = ClientSettings(base_url="http://127.0.0.1:1")
    with TargetClient(settings, transport=httpx.MockTransport(answer)) as client:
        ctx = ScenarioContext(client, models, scenario_id=scenario_id)
        scenario.run(ctx)
    assert ctx.steps == [i.step for i in interactions]
    assert ctx.pauses == cassette.meta.pauses
