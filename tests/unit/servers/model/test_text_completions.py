"""Legacy ``/v1/completions``: prompts of every shape, n, echo, stop, max_tokens, streaming and errors."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.servers.model import CHAT_MODEL, EMBEDDING_MODEL
from conformance.servers.model.settings import CREATED
from tests.unit.servers.model.model_server_support import Api, sse_chunks


def _complete(api: Api, **fields: Any) -> dict[str, Any]:
    response = api.post("/v1/completions", {"model": CHAT_MODEL, **fields})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_string_prompt(api: Api) -> None:
    body = _complete(api, prompt="Once upon a time")
    assert body["id"].startswith("cmpl-")
    assert (body["object"], body["created"], body["model"]) == ("text_completion", CREATED, CHAT_MODEL)
    assert body["choices"] == [
        {"text": "Deterministic completion of: Once upon a time", "index": 0, "logprobs": None, "finish_reason": "stop"}
    ]
    assert body["usage"] == {"prompt_tokens": 4, "completion_tokens": 7, "total_tokens": 11}
    assert _complete(api, prompt="Once upon a time") == body


def test_several_prompts_and_n_index_choices_prompt_major(api: Api) -> None:
    texts = [c["text"] for c in _complete(api, prompt=["a", "b"], n=2)["choices"]]
    assert texts == [
        "Deterministic completion of: a",
        "Deterministic completion of: a (choice 2)",
        "Deterministic completion of: b",
        "Deterministic completion of: b (choice 2)",
    ]


def test_token_prompts(api: Api) -> None:
    body = _complete(api, prompt=[[1, 2, 3], [4]])
    assert [c["text"] for c in body["choices"]] == [
        "Deterministic completion of 3 tokens",
        "Deterministic completion of 1 tokens",
    ]
    assert body["usage"]["prompt_tokens"] == 4


def test_echo_stop_and_max_tokens(api: Api) -> None:
    assert _complete(api, prompt="Hi", echo=True)["choices"][0]["text"] == "Hi Deterministic completion of: Hi"
    assert _complete(api, prompt="Hi", stop=[" of"])["choices"][0]["text"] == "Deterministic completion"
    choice = _complete(api, prompt="Hi", max_tokens=1)["choices"][0]
    assert (choice["text"], choice["finish_reason"]) == ("Deterministic", "length")


@pytest.mark.parametrize("limit", [{}, {"max_tokens": None}, {"max_tokens": 0}])
def test_an_absent_null_or_zero_max_tokens_means_the_whole_completion(api: Api, limit: dict[str, Any]) -> None:
    choice = _complete(api, prompt="Once upon a time", **limit)["choices"][0]
    assert (choice["text"], choice["finish_reason"]) == ("Deterministic completion of: Once upon a time", "stop")


@pytest.mark.parametrize("include_usage", [True, False])
def test_streaming_completions(api: Api, include_usage: bool) -> None:
    body = {"model": CHAT_MODEL, "prompt": "Once upon a time", "stream": True}
    if include_usage:
        body["stream_options"] = {"include_usage": True}
    response = api.post("/v1/completions", body)
    assert response.headers["content-type"].startswith("text/event-stream")
    chunks = sse_chunks(response.text)
    assert {c["id"] for c in chunks} == {chunks[0]["id"]}
    choice_chunks = [c for c in chunks if c["choices"]]
    text = "".join(c["choices"][0]["text"] for c in choice_chunks)
    assert text == "Deterministic completion of: Once upon a time"
    assert [c["choices"][0]["finish_reason"] for c in choice_chunks][-2:] == [None, "stop"]
    assert (chunks[-1]["choices"] == []) is include_usage
    if include_usage:
        assert chunks[-1]["usage"]["total_tokens"] == 11
    assert api.post("/v1/completions", body).content == response.content


@pytest.mark.parametrize(
    ("fields", "status", "param"),
    [
        ({"prompt": "x"}, 400, "model"),
        ({"model": CHAT_MODEL}, 400, "prompt"),
        ({"model": CHAT_MODEL, "prompt": 3}, 400, "prompt"),
        ({"model": CHAT_MODEL, "prompt": []}, 400, "prompt"),
        ({"model": CHAT_MODEL, "prompt": "x", "n": 0}, 400, "n"),
        ({"model": CHAT_MODEL, "prompt": "x", "echo": "yes"}, 400, "echo"),
        ({"model": EMBEDDING_MODEL, "prompt": "x"}, 400, "model"),
        ({"model": "davinci", "prompt": "x"}, 404, "model"),
    ],
)
def test_malformed_completion_requests(api: Api, fields: dict[str, Any], status: int, param: str) -> None:
    response = api.post("/v1/completions", fields)
    assert response.status_code == status
    assert response.json()["error"]["param"] == param
