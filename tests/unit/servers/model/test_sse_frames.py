"""SSE framing of chat streams: one id, a role chunk, word deltas, finish_reason last, usage iff asked, [DONE]."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.servers.model import CHAT_MODEL
from conformance.servers.model.settings import CREATED
from tests.unit.servers.model.model_server_support import Api, sse_chunks, sse_payloads, user


def _stream(api: Api, **fields: Any) -> list[dict[str, Any]]:
    response = api.chat(stream=True, **fields)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    return sse_chunks(response.text)


def _choice_chunks(chunks: list[dict[str, Any]], index: int) -> list[dict[str, Any]]:
    return [c["choices"][0] for c in chunks if c["choices"] and c["choices"][0]["index"] == index]


@pytest.mark.parametrize("include_usage", [True, False, None])
def test_a_text_stream_is_framed_as_openai_frames_it(api: Api, include_usage: bool | None) -> None:
    fields: dict[str, Any] = {"messages": [user("Explain the framing of server sent events")]}
    if include_usage is not None:
        fields["stream_options"] = {"include_usage": include_usage}
    chunks = _stream(api, **fields)
    assert {c["id"] for c in chunks} == {chunks[0]["id"]}
    assert chunks[0]["id"].startswith("chatcmpl-")
    assert {(c["object"], c["created"], c["model"]) for c in chunks} == {("chat.completion.chunk", CREATED, CHAT_MODEL)}
    choices = _choice_chunks(chunks, 0)
    assert choices[0]["delta"] == {"role": "assistant", "content": ""}
    assert all("role" not in c["delta"] for c in choices[1:])
    assert [c["finish_reason"] for c in choices] == [None] * (len(choices) - 1) + ["stop"]
    assert choices[-1]["delta"] == {}
    text = "".join(c["delta"].get("content") or "" for c in choices)
    assert text == "Deterministic reply to: Explain the framing of server sent events"
    assert len(choices) - 2 == len(text.split())  # one delta per word
    if include_usage:
        assert chunks[-1]["choices"] == []
        assert chunks[-1]["usage"] == {"prompt_tokens": 7, "completion_tokens": 10, "total_tokens": 17}
        assert all(c["usage"] is None for c in chunks[:-1])
    else:
        assert all(c["choices"] for c in chunks)
        assert all("usage" not in c for c in chunks)


def test_the_stream_content_equals_the_non_streamed_content(api: Api) -> None:
    fields: dict[str, Any] = {"messages": [user("a  spaced\tquestion")], "n": 2, "max_tokens": 5, "stop": "zzz"}
    full = api.chat(**fields).json()
    chunks = _stream(api, **fields)
    for choice in full["choices"]:
        streamed = _choice_chunks(chunks, choice["index"])
        assert "".join(c["delta"].get("content") or "" for c in streamed) == choice["message"]["content"]
        assert streamed[-1]["finish_reason"] == choice["finish_reason"]


def test_n_streams_every_choice_with_its_own_finish(api: Api) -> None:
    chunks = _stream(api, messages=[user("hi")], n=3, stream_options={"include_usage": True})
    for index in range(3):
        choices = _choice_chunks(chunks, index)
        assert choices[0]["delta"]["role"] == "assistant"
        assert [c["finish_reason"] for c in choices].count("stop") == 1
        assert choices[-1]["finish_reason"] == "stop"
    assert chunks[-1]["usage"]["completion_tokens"] == 4 + 6 + 6


def test_a_tool_call_stream_starts_with_role_and_header(api: Api) -> None:
    tools = [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]
    chunks = _stream(api, messages=[user("lookup")], tools=tools, stream_options={"include_usage": True})
    first = chunks[0]["choices"][0]["delta"]
    assert first["role"] == "assistant"
    assert first["content"] is None
    assert first["tool_calls"][0]["index"] == 0
    assert first["tool_calls"][0]["type"] == "function"
    assert first["tool_calls"][0]["function"] == {"name": "lookup", "arguments": ""}
    assert chunks[-2]["choices"][0]["finish_reason"] == "tool_calls"
    assert chunks[-1]["usage"]["completion_tokens"] == 2  # "lookup" and "{}"


def test_an_empty_reply_still_has_a_role_and_a_finish_chunk(api: Api) -> None:
    choices = _choice_chunks(_stream(api, messages=[user("hi")], stop="Deterministic"), 0)
    assert [c["delta"] for c in choices] == [{"role": "assistant", "content": ""}, {}]
    assert choices[-1]["finish_reason"] == "stop"


def test_a_zero_token_limit_streams_the_whole_reply(api: Api) -> None:
    choices = _choice_chunks(_stream(api, messages=[user("hi")], max_tokens=0), 0)
    assert "".join(c["delta"].get("content") or "" for c in choices) == "Deterministic reply to: hi"
    assert choices[-1]["finish_reason"] == "stop"


def test_every_event_is_one_compact_json_line(api: Api) -> None:
    body = api.chat(stream=True, messages=[user("Ünïcödé stays ünïcödé")]).text
    for payload in sse_payloads(body)[:-1]:
        assert json.dumps(json.loads(payload), separators=(",", ":"), ensure_ascii=False) == payload
    assert "Ünïcödé" in body
