"""Fault texts and their counts."""

from __future__ import annotations

import pytest

from conformance.mock.faults import FaultBook, parse_fault


def test_fault_texts_parse_into_their_kinds() -> None:
    fault = parse_fault("status=429,retry-after=1,times=2")
    assert (fault.status, fault.retry_after, fault.times) == (429, "1", 2)
    assert parse_fault("reset-mid-stream").reset_mid_stream
    assert parse_fault("malformed-json").malformed_json
    assert parse_fault("latency=250ms").latency_s == 0.25
    assert parse_fault("latency=2s,path=/v1/chat/*").path == "/v1/chat/*"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("status=abc", "not an HTTP status"),
        ("times=0,status=500", "positive count"),
        ("explode", "unknown fault"),
        ("colour=red", "unknown fault key"),
        ("path=/v1/*", "says nothing to do"),
        ("latency=soon", "not a duration"),
    ],
)
def test_a_malformed_fault_says_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_fault(text)


def test_a_fault_with_times_fires_that_many_times_then_stops() -> None:
    book = FaultBook((parse_fault("status=503,times=2"),))
    assert [book.take("/v1/models", None) is not None for _ in range(3)] == [True, True, False]


def test_a_path_glob_limits_a_fault_and_a_header_fault_counts_its_own_requests() -> None:
    book = FaultBook((parse_fault("status=503,path=/v1/chat/*"),))
    assert book.take("/v1/models", None) is None
    assert book.take("/v1/chat/completions", None) is not None
    header = "status=429,times=1"
    assert book.take("/v1/models", header) is not None
    assert book.take("/v1/models", header) is None
