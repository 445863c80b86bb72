"""conformance/core/http_exchange.py: the one exchange type scenarios record and checks judge."""

from __future__ import annotations

import httpx
import pytest

from conformance.core.http_exchange import Exchange
from conformance.core.sse import SSEEvent, SSEStream
from tests.fakes.contexts import exchange, stream_of


def test_an_exchange_without_an_answer_has_no_status_text_or_content_type() -> None:
    unanswered = Exchange(request=httpx.Request("GET", "http://fake.test/"), response=None)
    assert unanswered.status is None
    assert unanswered.text == ""
    assert unanswered.content_type == ""
    assert unanswered.events() == []


def test_json_decodes_the_text_or_raises() -> None:
    assert exchange(200, {"a": 1}).json() == {"a": 1}
    assert exchange(200, {"a": 1}).content_type == "application/json"
    with pytest.raises(ValueError, match="Expecting value"):
        exchange(200, "not json").json()


def test_a_stream_keeps_its_raw_text_and_decodes_its_events() -> None:
    streamed, _ = stream_of({"a": 1}, "[DONE]")
    assert streamed.text == 'data: {"a": 1}\n\ndata: [DONE]\n\n'
    assert streamed.events() == [{"a": 1}]
    with pytest.raises(ValueError, match="Expecting value"):
        streamed.json()  # the raw event text is never a JSON document


def test_events_leave_out_undecodable_payloads() -> None:
    stream = SSEStream(events=[SSEEvent(data="{"), SSEEvent(data="[1]")])
    request = httpx.Request("GET", "http://fake.test/")
    assert Exchange(request=request, response=None, stream=stream, step="s").events() == [[1]]
