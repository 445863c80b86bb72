"""conformance/checks/chat_stream.py: the chat completions chunk stream."""

from __future__ import annotations

import pytest

from conformance.checks import ChatStreamContext, NotApplicable, chat_stream
from tests.fakes.contexts import stream_of


def test_events_after_done_are_reported() -> None:
    chunk = {"id": "c", "object": "chat.completion.chunk", "choices": []}
    ex, stream = stream_of(chunk, "[DONE]", chunk)
    messages = list(chat_stream.done_sentinel(ChatStreamContext(exchange=ex, stream=stream)))
    assert messages == ["the stream ended without data: [DONE]", "data: [DONE] at event 1 is followed by 1 more events"]


def test_done_sentinel_is_not_judged_on_a_cut_off_stream() -> None:
    ex, stream = stream_of({"id": "c"}, truncated="more than 10 events")
    with pytest.raises(NotApplicable):
        list(chat_stream.done_sentinel(ChatStreamContext(exchange=ex, stream=stream)))


def test_usage_chunk_only_applies_when_include_usage_was_set() -> None:
    ex, stream = stream_of({"id": "c"})
    assert "chat-stream-usage" not in ChatStreamContext(exchange=ex, stream=stream).kinds
    assert "chat-stream-usage" in ChatStreamContext(exchange=ex, stream=stream, include_usage=True).kinds


TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}


def _calls(*entries: dict[str, object]) -> ChatStreamContext:
    chunks = [
        {"id": "c", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"tool_calls": [e]}}]}
        for e in entries
    ]
    ex, stream = stream_of(*chunks, "[DONE]")
    return ChatStreamContext(exchange=ex, stream=stream, tools=(TOOL,))


def _header(call_id: str, index: int) -> dict[str, object]:
    return {"index": index, "id": call_id, "type": "function", "function": {"name": "get_weather", "arguments": ""}}


def test_a_call_that_moves_to_another_index_or_an_index_reused_by_another_call_is_reported() -> None:
    moved = _calls(_header("call_a", 0), {"index": 0, "function": {"arguments": "{}"}}, _header("call_a", 1))
    assert list(chat_stream.tool_call_index(moved)) == ["chunk 2: tool call 'call_a' moved from index 0 to 1"]
    reused = _calls(_header("call_a", 0), _header("call_b", 0))
    assert list(chat_stream.tool_call_index(reused)) == [
        "chunk 1: index 0 of choice 0 already holds call 'call_a', now 'call_b'"
    ]


def test_two_calls_each_with_its_own_index_are_fine() -> None:
    ctx = _calls(
        _header("call_a", 0),
        {"index": 0, "function": {"arguments": "{}"}},
        _header("call_b", 1),
        {"index": 1, "function": {"arguments": "{}"}},
    )
    assert list(chat_stream.tool_call_index(ctx)) == []
    assert list(chat_stream.tool_call_header(ctx)) == []
    assert list(chat_stream.tool_call_arguments(ctx)) == []


def test_a_repeated_name_after_the_first_chunk_is_reported_as_clients_would_double_it() -> None:
    ctx = _calls(_header("call_a", 0), {"index": 0, "function": {"name": "get_weather", "arguments": "{}"}})
    assert list(chat_stream.tool_call_header(ctx)) == [
        "chunk 1: tool call 0 of choice 0 repeats function.name after its first chunk"
    ]


def test_tool_call_rules_do_not_judge_a_stream_without_a_call() -> None:
    ex, stream = stream_of({"id": "c", "object": "chat.completion.chunk", "choices": []}, "[DONE]")
    ctx = ChatStreamContext(exchange=ex, stream=stream, tools=(TOOL,))
    for rule in (chat_stream.tool_call_index, chat_stream.tool_call_header, chat_stream.tool_call_arguments):
        with pytest.raises(NotApplicable):
            list(rule(ctx))


def test_the_new_kinds_apply_only_when_the_request_asked_for_them() -> None:
    ex, stream = stream_of({"id": "c"})
    plain = ChatStreamContext(exchange=ex, stream=stream)
    assert plain.kinds == ("sse", "chat-stream")
    asked = ChatStreamContext(exchange=ex, stream=stream, tools=(TOOL,), choices=2, top_logprobs=0)
    assert asked.kinds == (
        "sse",
        "chat-stream",
        "chat-stream-tool-calls",
        "chat-stream-choices",
        "chat-stream-logprobs",
    )
