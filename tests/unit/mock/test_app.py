"""The mock over HTTP: streams, the journal, faults as a plain HTTP client sees them."""

from __future__ import annotations

import json

import httpx
import pytest

from conformance.mock import FAULT_HEADER, JOURNAL_PATH
from conformance.mock.recordings import sse_payloads
from tests.unit.mock.conftest import StartMock, recordings

CHAT = {"model": "deterministic/conformance-chat", "messages": [{"role": "user", "content": "hi"}]}


def test_mock_serves_a_recorded_stream_event_by_event_with_its_framing(start_mock: StartMock) -> None:
    with start_mock(stream_delay_s=0.01) as url:
        with httpx.stream("POST", f"{url}/v1/chat/completions", json={**CHAT, "stream": True}, timeout=30) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            text = response.read().decode()
        (entry,) = httpx.get(f"{url}{JOURNAL_PATH}").json()["requests"]
    recorded = next(e for e in recordings().entries if e.label == entry["matched"])
    assert recorded.interaction.response.is_stream
    sent, kept = sse_payloads(text), sse_payloads(recorded.interaction.response.body)
    assert len(sent) == len(kept) > 2
    assert [sorted(e) for e in sent] == [sorted(e) for e in kept]
    assert text.count("\n\n") == recorded.interaction.response.body.count("\n\n")


def test_mock_journal_lists_what_the_client_sent_and_can_be_emptied(start_mock: StartMock) -> None:
    with start_mock() as url, httpx.Client(base_url=url, timeout=30) as client:
        client.post("/v1/chat/completions", json=CHAT, headers={"authorization": "Bearer secret-key"})
        client.get("/v1/no-such-route")
        entries = client.get(JOURNAL_PATH).json()["requests"]
        assert [(e["method"], e["path"], e["status"]) for e in entries] == [
            ("POST", "/v1/chat/completions", 200),
            ("GET", "/v1/no-such-route", 404),
        ]
        assert entries[0]["body"] == CHAT
        assert entries[0]["matched"].startswith("chat-completions-")
        assert entries[0]["headers"]["authorization"] == "<redacted>"
        client.delete(JOURNAL_PATH)
        assert client.get(JOURNAL_PATH).json()["requests"] == []


def test_mock_a_status_fault_fires_times_then_the_mock_answers_normally(start_mock: StartMock) -> None:
    with start_mock("status=429,retry-after=1,times=2,path=/v1/models") as url, httpx.Client(base_url=url) as client:
        first, second, third = (client.get("/v1/models") for _ in range(3))
        assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
        assert first.headers["retry-after"] == "1"
        assert client.get("/v1/version").status_code == 200  # not under the fault's path


def test_mock_a_fault_header_applies_to_the_requests_carrying_it(start_mock: StartMock) -> None:
    with start_mock() as url, httpx.Client(base_url=url) as client:
        assert client.get("/v1/models", headers={FAULT_HEADER: "status=503"}).status_code == 503
        assert client.get("/v1/models").status_code == 200
        refused = client.get("/v1/models", headers={FAULT_HEADER: "explode"})
        assert refused.status_code == 400
        assert "unknown fault" in refused.json()["detail"]


def test_mock_malformed_json_is_a_cut_body_and_reset_drops_the_connection(start_mock: StartMock) -> None:
    with start_mock() as url, httpx.Client(base_url=url, timeout=30) as client:
        cut = client.get("/v1/models", headers={FAULT_HEADER: "malformed-json"})
        assert cut.status_code == 200
        with pytest.raises(json.JSONDecodeError):
            cut.json()
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/v1/models", headers={FAULT_HEADER: "reset-mid-stream"})
        assert client.get("/v1/models").status_code == 200
