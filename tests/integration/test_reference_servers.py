"""The real upstream references start offline, answer through the deterministic model and pass the smoke suite."""

from __future__ import annotations

import json
import subprocess
import textwrap
import time
from collections.abc import Callable

import httpx
import pytest

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import profile_for_release
from conformance.core.results import Status
from conformance.runner.base import RunContext, execute
from conformance.runner.baseline import load_baseline
from conformance.runner.smoke import SmokeSuite
from conformance.runner.target import probe_target
from conformance.servers.environments import ensure_environment
from conformance.servers.reference import RELEASES, RunningReference, get_release
from conformance.servers.reference.releases import env_spec, profile_of

pytestmark = pytest.mark.integration

ReferenceFactory = Callable[[str], RunningReference]

SMOKE_RELEASES = ["ogx==1.5.0", "llama-stack==0.3.0"]


@pytest.mark.parametrize("release", SMOKE_RELEASES)
def test_reference_lists_the_deterministic_models(reference_servers: ReferenceFactory, release: str) -> None:
    reference = reference_servers(release)
    models = httpx.get(f"{reference.base_url}/v1/models", timeout=30).json()["data"]
    ids = {m.get("id") or m.get("identifier") for m in models}
    assert reference.chat_model in ids
    assert "deterministic/conformance-embed" in ids or "conformance-embed" in ids


@pytest.mark.parametrize("release", SMOKE_RELEASES)
def test_smoke_suite_passes_on_the_reference(reference_servers: ReferenceFactory, release: str) -> None:
    reference = reference_servers(release)
    profile = profile_for_release(release)
    assert profile is not None
    with TargetClient(ClientSettings(base_url=reference.base_url)) as client:
        target, resolved = probe_target(client, profile_id=profile.id, server=get_release(release).server)
        result = execute([SmokeSuite()], RunContext(client=client, profile=resolved, target=target))
    # The reference's own deviations (e.g. no `data: [DONE]`) are its known findings, with their reasons.
    known = set(load_baseline(profile_of(get_release(release)).known_findings).keys)
    problems = {
        c.id: (c.error or [f.message for f in c.findings])
        for c in result.cases
        if c.status is not Status.PASS and not (c.findings and all(f.key in known for f in c.findings))
    }
    assert problems == {}
    assert {c.id.split("/")[1] for c in result.cases} == {
        "health",
        "version",
        "models",
        "chat-completions",
        "responses",
    }
    assert target.version == get_release(release).version


def test_llama_stack_0_3_agent_session_and_streaming_turn_with_the_real_sdk(
    reference_servers: ReferenceFactory,
) -> None:
    """The legacy Agents API works end to end through llama-stack-client 0.3.0, in its own environment."""
    reference = reference_servers("llama-stack==0.3.0")
    script = textwrap.dedent(
        f"""
        import json
        from llama_stack_client import LlamaStackClient
        client = LlamaStackClient(base_url={reference.base_url!r}, timeout=60)
        config = {{"model": {reference.chat_model!r}, "instructions": "Be brief."}}
        agent = client.alpha.agents.create(agent_config=config)
        session = client.alpha.agents.session.create(agent_id=agent.agent_id, session_name="conformance")
        stream = client.alpha.agents.turn.create(
            agent_id=agent.agent_id, session_id=session.session_id,
            messages=[{{"role": "user", "content": "Hello there"}}], stream=True,
        )
        events = [chunk.event.payload.event_type for chunk in stream]
        print(json.dumps({{"agent": agent.agent_id, "session": session.session_id, "events": events}}))
        """
    )
    env = ensure_environment(env_spec(get_release("llama-stack==0.3.0")))
    proc = subprocess.run([str(env.python), "-c", script], capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    outcome = json.loads(proc.stdout.strip().splitlines()[-1])
    assert outcome["agent"]
    assert outcome["session"]
    # 0.3.0 declares turn_start but never sends it (see docs/checks.md); the stream opens with a step.
    assert outcome["events"][0] in ("turn_start", "step_start")
    assert outcome["events"][-1] == "turn_complete"
    assert outcome["events"].count("step_start") == outcome["events"].count("step_complete") >= 1


ALL_RELEASES = list(RELEASES)
WEATHER_QUESTION = "What's the weather like in San Francisco?"
WEATHER_PARAMETERS = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


@pytest.mark.parametrize("release", ALL_RELEASES)
def test_a_vector_store_made_the_openai_way_ingests_and_finds_the_file(
    reference_servers: ReferenceFactory, release: str
) -> None:
    """Only a name (no embedding_model): the reference's default embedding model and file processing work."""
    document = "Teal is the favourite colour of the replay engine.\n"
    with httpx.Client(base_url=reference_servers(release).base_url, timeout=120) as client:
        upload = client.post("/v1/files", files={"file": ("notes.txt", document.encode(), "text/plain")},
                             data={"purpose": "assistants"})  # fmt: skip
        file_id = upload.json()["id"]
        created = client.post("/v1/vector_stores", json={"name": "only-a-name"})
        assert created.status_code == 200, created.text
        store_id = created.json()["id"]
        attached = client.post(f"/v1/vector_stores/{store_id}/files", json={"file_id": file_id}).json()
        for _ in range(600):  # ingestion may finish after the attach answered; a generous bound for a busy machine
            if attached["status"] != "in_progress":
                break
            time.sleep(0.5)
            attached = client.get(f"/v1/vector_stores/{store_id}/files/{file_id}").json()
        assert (attached["status"], attached["last_error"]) == ("completed", None)
        search = client.post(f"/v1/vector_stores/{store_id}/search", json={"query": "favourite colour"}).json()
        texts = [part["text"] for hit in search["data"] for part in hit["content"]]
        assert any(document.strip() in text for text in texts), search
        client.delete(f"/v1/vector_stores/{store_id}")
        client.delete(f"/v1/files/{file_id}")


@pytest.mark.parametrize("release", ALL_RELEASES)
def test_a_question_with_an_unnamed_function_tool_gets_a_function_call(
    reference_servers: ReferenceFactory, release: str
) -> None:
    reference = reference_servers(release)
    chat_tool = {"type": "function", "function": {"name": "get_weather", "parameters": WEATHER_PARAMETERS}}
    with httpx.Client(base_url=reference.base_url, timeout=120) as client:
        chat = client.post("/v1/chat/completions", json={
            "model": reference.chat_model, "messages": [{"role": "user", "content": WEATHER_QUESTION}],
            "tools": [chat_tool],
        }).json()  # fmt: skip
        (choice,) = chat["choices"]
        assert choice["finish_reason"] == "tool_calls"
        assert [c["function"]["name"] for c in choice["message"]["tool_calls"]] == ["get_weather"]
        # With a description: llama-stack 0.3.0 answers 500 for a function tool without one (its
        # ChatCompletionFunctionToolParam conversion requires a string), whatever the model does.
        tool = {"type": "function", "name": "get_weather", "description": "Weather.", "parameters": WEATHER_PARAMETERS}
        response = client.post("/v1/responses", json={
            "model": reference.chat_model, "input": WEATHER_QUESTION, "tools": [tool],
        }).json()  # fmt: skip
        calls = [item for item in response["output"] if item["type"] == "function_call"]
        assert [c["name"] for c in calls] == ["get_weather"], response
        assert json.loads(calls[0]["arguments"]) == {"city": WEATHER_QUESTION}
