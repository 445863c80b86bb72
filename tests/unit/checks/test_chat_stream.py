"""conformance/checks/chat_stream.py: the chat completions chunk stream."""

from __future__ import annotations

import pytest

from conformance.checks import ChatStreamContext, NotApplicable, all_checks, chat_stream
from tests.fakes.contexts import stream_of
from tests.fakes.expect import assert_fires_alone, assert_quiet

CHECKS = [c.id for c in all_checks() if c.func.__module__ == chat_stream.__name__]


@pytest.mark.parametrize("check_id", CHECKS)
def test_fires_when_the_fake_breaks_it(check_id: str) -> None:
    assert_fires_alone(check_id)


@pytest.mark.parametrize("check_id", CHECKS)
def test_quiet_on_the_conformant_fake(check_id: str) -> None:
    assert_quiet(check_id)


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
