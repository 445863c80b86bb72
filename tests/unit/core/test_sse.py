from __future__ import annotations

import httpx
import pytest

from conformance.core import sse
from conformance.core.sse import EventLog, JsonObjects, SSEEvent, SSELimits, read_sse

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


def _chunks(count: int, size: int) -> list[bytes]:
    text = "y" * size
    return [f'data: {{"n": {n}, "text": "{text}"}}\n\n'.encode() for n in range(count)] + [b"data: [DONE]\n\n"]


def test_a_long_stream_keeps_the_start_of_its_text_and_every_event(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sse, "RAW_KEPT_CHARS", 1000)
    monkeypatch.setattr(sse, "_IN_MEMORY_BYTES", 2000)  # the events move to a temporary file past this
    stream = _read(_chunks(200, 100), SSELimits(max_bytes=10**9, max_events=10**6))
    assert stream.truncated is None
    assert len(stream.raw) == 1000
    assert stream.raw_cut == sum(len(c) for c in _chunks(200, 100)) - 1000
    assert isinstance(stream.events, EventLog)
    assert stream.events._file._rolled  # type: ignore[attr-defined]  # on disk now
    assert len(stream.events) == 201
    assert stream.events[0].json() == {"n": 0, "text": "y" * 100}
    assert stream.events[-1].is_done
    assert [e.json()["n"] for e in stream.events[:-1]] == list(range(200))
    assert [e.json()["n"] for e in stream.events[10:13]] == [10, 11, 12]
    assert stream.events[195:][-2].json()["n"] == 199


def test_a_short_stream_is_kept_whole_in_memory() -> None:
    stream = _read(STREAM)
    assert stream.raw_cut == 0
    assert not stream.events._file._rolled  # type: ignore[attr-defined]
    assert stream.events == [SSEEvent('{"a": 1}'), SSEEvent('{"b": 2}', event="custom"), SSEEvent("[DONE]")]


def test_objects_are_decoded_as_they_are_read_and_index_like_a_list() -> None:
    stream = _read([b'data: {"a": 1}\n\ndata: [1, 2]\n\ndata: not json\n\n', b'data: {"b": 2}\n\ndata: [DONE]\n\n'])
    objects = stream.objects()
    assert isinstance(objects, JsonObjects)
    assert list(objects) == [{"a": 1}, {"b": 2}]
    assert len(objects) == 2
    assert objects[-1] == {"b": 2}
    assert objects[:1] == [{"a": 1}]
    assert list(reversed(objects)) == [{"b": 2}, {"a": 1}]
    assert bool(objects)
    assert not _read(b"data: [DONE]\n\n").objects()
