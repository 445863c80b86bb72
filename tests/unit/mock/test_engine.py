"""The engine over the committed llama-stack-0.3 recordings: matching, binding, state, error answers."""

from __future__ import annotations

import json
from typing import Any

from conformance.mock import Answer, Engine
from conformance.mock.recordings import sse_payloads
from tests.unit.mock.conftest import recordings as _recordings

CHAT_MODEL = "deterministic/conformance-chat"


def _send(engine: Engine, method: str, path: str, body: Any = None) -> Answer:
    data = json.dumps(body).encode() if body is not None else b""
    return engine.answer(method, path, {}, data, True)


def test_mock_response_create_get_delete_get_binds_the_new_id_and_then_answers_not_found() -> None:
    engine = Engine(_recordings())
    created = _send(engine, "POST", "/v1/responses", {"model": CHAT_MODEL, "input": "Say hello."})
    assert created.status == 200
    new_id = json.loads(created.body)["id"]
    assert new_id not in {e.interaction.response.body for e in _recordings().entries}
    got = _send(engine, "GET", f"/v1/responses/{new_id}")
    assert (got.status, json.loads(got.body)["id"]) == (200, new_id)
    deleted = _send(engine, "DELETE", f"/v1/responses/{new_id}")
    assert deleted.status == 200
    assert new_id in deleted.body
    gone = _send(engine, "GET", f"/v1/responses/{new_id}")
    # The 0.3 reference answers an unknown response id with 400 and this message (responses-errors).
    assert (gone.status, gone.kind) == (400, "not-found")
    assert json.loads(gone.body) == {"detail": f"Invalid value: Response with id {new_id} not found"}


def test_mock_an_id_never_handed_out_is_not_found_even_when_the_recordings_hold_it() -> None:
    engine = Engine(_recordings())
    recorded = next(e for e in _recordings().entries if e.label == "responses-create/create")
    recorded_id = json.loads(recorded.interaction.response.body)["id"]
    assert _send(engine, "GET", f"/v1/responses/{recorded_id}").kind == "not-found"


def test_mock_two_creates_hand_out_two_ids() -> None:
    engine = Engine(_recordings())
    body = {"model": CHAT_MODEL, "input": "Say hello."}
    first, second = (json.loads(_send(engine, "POST", "/v1/responses", body).body)["id"] for _ in range(2))
    assert first != second


def test_mock_previous_response_id_chains_onto_the_created_response() -> None:
    engine = Engine(_recordings())
    first = json.loads(_send(engine, "POST", "/v1/responses", {"model": CHAT_MODEL, "input": "Hi."}).body)["id"]
    second = _send(
        engine, "POST", "/v1/responses", {"model": CHAT_MODEL, "input": "And?", "previous_response_id": first}
    )
    assert second.status == 200
    assert second.matched == "responses-chain/create-second"
    assert json.loads(second.body)["id"] != first


def test_mock_a_page_after_its_last_item_is_empty() -> None:
    engine = Engine(_recordings())
    response_id = json.loads(_send(engine, "POST", "/v1/responses", {"model": CHAT_MODEL, "input": "Hi."}).body)["id"]
    page = json.loads(_send(engine, "GET", f"/v1/responses/{response_id}/input_items").body)
    last = page["data"][-1]["id"]
    following = engine.answer("GET", f"/v1/responses/{response_id}/input_items", {"after": last}, b"", True)
    assert json.loads(following.body)["data"] == []


def test_mock_agent_session_streaming_turn_through_the_deprecated_v1_agents_aliases() -> None:
    engine = Engine(_recordings())
    agent = _send(engine, "POST", "/v1/agents", {"agent_config": {"model": CHAT_MODEL, "instructions": "Be brief."}})
    agent_id = json.loads(agent.body)["agent_id"]
    session = _send(engine, "POST", f"/v1/agents/{agent_id}/session", {"session_name": "s"})
    session_id = json.loads(session.body)["session_id"]
    turn = _send(
        engine,
        "POST",
        f"/v1/agents/{agent_id}/session/{session_id}/turn",
        {"messages": [{"role": "user", "content": "Hello"}], "stream": True},
    )
    assert turn.stream
    assert turn.status == 200
    payloads = sse_payloads(turn.body)
    kinds = [p["event"]["payload"]["event_type"] for p in payloads]
    assert kinds[-1] == "turn_complete"
    assert payloads[-1]["event"]["payload"]["turn"]["session_id"] == session_id
    # The session is the agent's: a GET of it answers, with this session's id.
    got = _send(engine, "GET", f"/v1alpha/agents/{agent_id}/session/{session_id}")
    assert got.status == 200
    assert json.loads(got.body)["session_id"] == session_id
    assert _send(engine, "DELETE", f"/v1alpha/agents/{agent_id}/session/{session_id}").status < 300
    assert _send(engine, "GET", f"/v1alpha/agents/{agent_id}/session/{session_id}").kind == "not-found"


def test_mock_an_invalid_body_gets_the_references_envelope_and_status() -> None:
    answer = _send(Engine(_recordings()), "POST", "/v1/chat/completions", {"model": CHAT_MODEL, "messages": "hi"})
    assert answer.status == 400
    assert answer.kind == "invalid-body"
    (error,) = json.loads(answer.body)["error"]["detail"]["errors"]
    assert error["loc"] == ["body", "messages"]


def test_mock_an_unknown_model_gets_the_references_unknown_model_answer() -> None:
    body = {"model": "no-such/model", "messages": [{"role": "user", "content": "hi"}]}
    answer = _send(Engine(_recordings()), "POST", "/v1/chat/completions", body)
    assert (answer.status, answer.kind) == (404, "unknown-model")
    assert "no-such/model" in json.loads(answer.body)["detail"]


def test_mock_an_unknown_route_is_404_and_an_unrecorded_operation_is_501_naming_the_nearest() -> None:
    engine = Engine(_recordings())
    assert _send(engine, "GET", "/v1/no-such-route").status == 404
    answer = _send(engine, "POST", "/v1/prompts", {"prompt": "x"})
    assert answer.status == 501
    nearest = json.loads(answer.body)["nearest"]
    assert nearest
    assert all({"recording", "request", "status"} <= set(n) for n in nearest)


def test_mock_a_stream_request_gets_a_recorded_stream_with_its_framing() -> None:
    body = {"model": CHAT_MODEL, "messages": [{"role": "user", "content": "hi"}], "stream": True}
    answer = _send(Engine(_recordings()), "POST", "/v1/chat/completions", body)
    assert answer.stream
    assert answer.content_type.startswith("text/event-stream")
    events = [e for e in answer.body.split("\n\n") if e.strip()]
    assert len(events) > 2
    assert all(e.startswith("data: ") for e in events)
