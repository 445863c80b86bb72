from __future__ import annotations

import httpx

from conformance.core.sse import SSELimits, read_sse

STREAM = b'data: {"a": 1}\n\nevent: custom\ndata: {"b": 2}\n\r\ndata: [DONE]\n\n'


def _read(content: bytes | list[bytes], limits: SSELimits | None = None, content_type: str = "text/event-stream"):  # type: ignore[no-untyped-def]
    chunks = [content] if isinstance(content, bytes) else content

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": content_type}, content=iter(chunks))

    with httpx.Client(transport=httpx.MockTransport(handler)) as client, client.stream("GET", "http://t/") as r:
        return read_sse(r, limits)


def test_events_are_parsed_and_the_raw_text_is_kept_exactly() -> None:
    stream = _read(STREAM)
    assert [e.event for e in stream.events] == ["message", "custom", "message"]
    assert stream.events[-1].is_done
    assert stream.json_events() == [{"a": 1}, {"b": 2}]
    assert stream.raw == STREAM.decode()
    assert stream.truncated is None


def test_events_split_across_chunks_are_reassembled() -> None:
    stream = _read([STREAM[:7], STREAM[7:20], STREAM[20:]])
    assert stream.json_events() == [{"a": 1}, {"b": 2}]


def test_event_and_byte_limits_stop_reading() -> None:
    assert _read(STREAM, SSELimits(max_events=1)).truncated == "more than 1 events"
    endless = [b'data: {"x": 1}\n\n'] * 1000
    truncated = _read(endless, SSELimits(max_bytes=100))
    assert truncated.truncated == "more than 100 bytes"
    assert len(truncated.events) < 1000


def test_a_wrong_content_type_is_reported_not_raised() -> None:
    stream = _read(STREAM, content_type="application/json")
    assert stream.content_type == "application/json"
    assert len(stream.events) == 3
