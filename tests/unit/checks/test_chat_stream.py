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
