"""conformance/runner/replay.py: an answer that differs at thousands of places builds only what the run keeps."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from conformance.cassettes import load_profile_cassettes
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.results import Target
from conformance.runner.base import RunContext, RunOptions, execute
from conformance.runner.caps import FINDINGS_PER_CASE
from conformance.runner.replay import ReplaySuite
from conformance.spec.profile_folder import resolve_profile
from tests.fakes.gateway import EXAMPLE

ITEMS = 400


def test_a_flood_of_differences_is_counted_not_built(tmp_path: Path) -> None:
    profile = resolve_profile(str(EXAMPLE))
    folder = tmp_path / "recordings"
    folder.mkdir()
    cassette = (EXAMPLE / "recordings" / "jobs-errors.yaml").read_text(encoding="utf-8")
    recorded = json.dumps({"error": {"message": "m", "items": [{"a": 1, "b": 2}] * ITEMS}})
    first_body = cassette.split("string: '", 1)[1].split("'\n", 1)[0]
    (folder / "jobs-errors.yaml").write_text(cassette.replace(first_body, recorded, 1), encoding="utf-8")

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/models":
            return httpx.Response(200, json={"object": "list", "data": [{"id": "gateway/small", "object": "model"}]})
        if request.method == "GET":  # every item lacks "b": one breaking difference per item
            return httpx.Response(404, json={"error": {"message": "m", "items": [{"a": 1}] * ITEMS}})
        return httpx.Response(400, json={"error": {"message": "x", "type": "invalid_request_error"}})

    client = TargetClient(ClientSettings(base_url="http://127.0.0.1:9"), transport=httpx.MockTransport(answer))
    ctx = RunContext(client=client, profile=profile, target=Target(base_url="http://127.0.0.1:9", profile=profile.id),
                     options=RunOptions())  # fmt: skip
    suite = ReplaySuite(profile, cassettes=load_profile_cassettes(folder, profile.id))
    result = execute([suite], ctx)

    step = next(c for c in result.cases if c.replay is not None and c.replay.step == "get-unknown")
    assert step.status.value == "fail"
    assert step.replay is not None
    assert step.replay.counts == {"breaking": ITEMS, "additive": 0, "value-only": 0}
    assert len(step.replay.differences) == FINDINGS_PER_CASE
    assert step.replay.omitted_differences == ITEMS - FINDINGS_PER_CASE
    assert len(step.findings) <= FINDINGS_PER_CASE + 1
    assert len(step.findings) + step.omitted_findings == ITEMS
    verdict = next(c for c in result.cases if c.id == "replay/jobs-errors")
    assert verdict.replay is not None
    assert verdict.replay.counts is not None
    assert verdict.replay.counts["breaking"] == ITEMS  # the scenario's tally covers what was not kept
