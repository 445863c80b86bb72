"""Routes, the model list and byte-for-byte determinism of whole responses."""

from __future__ import annotations

import pytest

from conformance.servers.model import CHAT_MODEL, EMBEDDING_MODEL
from conformance.servers.model.settings import CREATED
from tests.unit.servers.model.model_server_support import Api, sse_chunks, user


def test_models_lists_both_models_with_a_fixed_created(api: Api) -> None:
    response = api.get("/v1/models")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["object"] == "list"
    assert [m["id"] for m in body["data"]] == [CHAT_MODEL, EMBEDDING_MODEL]
    assert {m["object"] for m in body["data"]} == {"model"}
    assert {m["created"] for m in body["data"]} == {CREATED}
    assert api.get("/v1/models").content == response.content


@pytest.mark.parametrize("model", [CHAT_MODEL, EMBEDDING_MODEL])
def test_one_model_is_retrievable(api: Api, model: str) -> None:
    response = api.get(f"/v1/models/{model}")
    assert response.status_code == 200
    assert response.json() == {"id": model, "object": "model", "created": CREATED, "owned_by": "conformance"}


@pytest.mark.parametrize("model", ["gpt-4o", "deterministic/conformance-chat", ""])
def test_an_unknown_model_is_a_404_model_not_found(api: Api, model: str) -> None:
    response = api.get(f"/v1/models/{model}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "model_not_found"


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/v1/nothing", 404, "unknown_url"),
        ("POST", "/v1/responses", 404, "unknown_url"),
        ("GET", "/", 404, "unknown_url"),
        ("GET", "/v1/chat/completions", 405, "method_not_allowed"),
        ("DELETE", "/v1/models", 405, "method_not_allowed"),
    ],
)
def test_unknown_routes_and_methods_get_openai_errors(api: Api, method: str, path: str, status: int, code: str) -> None:
    response = api.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code
    assert error["type"] == "invalid_request_error"
    assert path in error["message"]


def test_identical_requests_give_identical_bytes(api: Api) -> None:
    body = {"model": CHAT_MODEL, "messages": [user("Tell me about determinism")], "temperature": 0.9, "seed": 7}
    first, second = api.post("/v1/chat/completions", body), api.post("/v1/chat/completions", body)
    assert first.status_code == 200
    assert first.content == second.content
    assert first.json()["id"].startswith("chatcmpl-")


def test_identical_streams_give_identical_bytes_ending_in_done(api: Api) -> None:
    body = {
        "model": CHAT_MODEL,
        "messages": [user("Stream something long enough to be split into several deltas")],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    first, second = api.post("/v1/chat/completions", body), api.post("/v1/chat/completions", body)
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/event-stream")
    assert first.content == second.content
    assert first.content.endswith(b"data: [DONE]\n\n")


def test_key_order_of_the_request_does_not_change_the_answer(api: Api) -> None:
    one = api.post("/v1/chat/completions", {"model": CHAT_MODEL, "messages": [user("hi")], "n": 1})
    other = api.post("/v1/chat/completions", {"n": 1, "messages": [user("hi")], "model": CHAT_MODEL})
    assert one.content == other.content


@pytest.mark.parametrize(
    "change",
    [
        {"messages": [user("a different question")]},
        {"max_tokens": 3},
        {"stream": True},
        {"user": "someone-else"},
    ],
)
def test_different_requests_get_different_ids(api: Api, change: dict[str, object]) -> None:
    base = {"model": CHAT_MODEL, "messages": [user("the same question")]}
    first = api.post("/v1/chat/completions", base)
    response = api.post("/v1/chat/completions", {**base, **change})
    other_id = sse_chunks(response.text)[0]["id"] if change.get("stream") else response.json()["id"]
    assert other_id != first.json()["id"]


def test_non_streaming_chat_completion_shape(api: Api) -> None:
    body = api.chat(messages=[{"role": "system", "content": "Be brief."}, user("What is two plus two?")]).json()
    assert body["object"] == "chat.completion"
    assert body["created"] == CREATED
    assert body["model"] == CHAT_MODEL
    [choice] = body["choices"]
    assert choice == {
        "index": 0,
        "message": {"role": "assistant", "content": "Deterministic reply to: What is two plus two?"},
        "logprobs": None,
        "finish_reason": "stop",
    }
    assert body["usage"] == {"prompt_tokens": 7, "completion_tokens": 8, "total_tokens": 15}
