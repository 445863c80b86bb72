"""stream_findings: the streaming checks over a stream a user's test collected."""

from __future__ import annotations

import json

import pytest

from conformance.checks.streams import stream_findings

CREATED = {"type": "response.created", "sequence_number": 0, "response": {"id": "resp_1", "status": "in_progress"}}


def _responses(first: dict[str, object]) -> list[dict[str, object]]:
    done = {"id": "resp_1", "status": "completed", "output": []}
    return [first, {"type": "response.completed", "sequence_number": 1, "response": done}]


def test_a_stream_that_starts_with_response_created_passes_the_first_event_rule() -> None:
    findings = stream_findings(_responses(CREATED), "responses")
    assert "responses-stream-first-event" not in {f.check_id for f in findings}


def test_a_stream_that_starts_otherwise_breaks_it_as_payloads_and_as_raw_text() -> None:
    wrong = {**CREATED, "type": "response.in_progress"}
    for events in (_responses(wrong), "".join(f"data: {json.dumps(e)}\n\n" for e in _responses(wrong))):
        findings = stream_findings(events, "responses")
        first = [f for f in findings if f.check_id == "responses-stream-first-event"]
        assert len(first) == 1
        assert first[0].operation == "POST /v1/responses"
        assert "response.created" in first[0].message


def test_a_chat_stream_without_the_done_sentinel_breaks_that_rule() -> None:
    chunk = {"id": "c1", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": "hi"}}]}
    findings = stream_findings([chunk], "chat")
    assert "chat-stream-done-sentinel" in {f.check_id for f in findings}


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown stream kind 'grpc'"):
        stream_findings([], "grpc")  # type: ignore[arg-type]


def test_a_long_stream_whose_text_was_cut_is_judged_by_all_its_events(monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    from conformance.core import sse

    monkeypatch.setattr(sse, "RAW_KEPT_CHARS", 100)  # only the start of the text is kept
    chunks = [{"id": "c1" if n != 30 else "c2", "object": "chat.completion.chunk",
               "choices": [{"index": 0, "delta": {"content": "x" * 50}}]} for n in range(40)]  # fmt: skip
    text = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks)  # no [DONE] either
    response = httpx.Response(200, headers={"content-type": "text/event-stream"}, content=text.encode())
    stream = sse.read_sse(response)
    assert stream.raw_cut == len(text) - 100
    checks = {f.check_id: f.message for f in stream_findings(stream, "chat")}
    assert "chunk 30 has id 'c2'" in checks["chat-stream-single-id"]  # an event far past the kept text
    assert "chat-stream-done-sentinel" in checks
