"""The run's limits: the hung-server breaker, a stream's bounds and how sizes are written."""

from __future__ import annotations

import threading

import pytest

from conformance.core.limits import DEFAULT_LIMITS, HUNG_MARK, Breaker, Limits, format_bytes
from conformance.core.sse import SSELimits


def test_the_breaker_trips_after_hung_after_misses_in_a_row() -> None:
    breaker = Breaker(Limits(hung_after=3))
    breaker.missed()
    breaker.missed()
    assert breaker.hung is None
    breaker.missed()
    assert breaker.hung is not None


def test_an_answer_between_misses_starts_the_count_again() -> None:
    breaker = Breaker(Limits(hung_after=3))
    breaker.missed()
    breaker.missed()
    breaker.answered()
    breaker.missed()
    breaker.missed()
    assert breaker.hung is None
    breaker.missed()
    assert breaker.hung is not None


def test_once_hung_the_server_stays_hung_whatever_answers_later() -> None:
    breaker = Breaker(Limits(hung_after=2))
    breaker.missed()
    breaker.missed()
    reason = breaker.hung
    assert reason is not None
    breaker.answered()
    breaker.answered()
    assert breaker.hung == reason
    breaker.missed()
    assert breaker.hung == reason  # the first reason is kept, not rewritten with a larger count


def test_one_miss_is_enough_when_hung_after_is_one() -> None:
    breaker = Breaker(Limits(hung_after=1))
    assert breaker.hung is None
    breaker.missed()
    assert breaker.hung is not None


def test_the_hung_reason_names_the_count_and_the_deadline_and_ends_with_the_mark() -> None:
    breaker = Breaker(Limits(timeout_s=2.5, hung_after=3))
    for _ in range(3):
        breaker.missed()
    reason = breaker.hung
    assert reason is not None
    assert "3 requests in a row" in reason
    assert "2.5s deadline (--timeout)" in reason
    assert reason.endswith(HUNG_MARK)


def test_the_default_breaker_uses_the_default_limits() -> None:
    breaker = Breaker()
    assert breaker.limits == DEFAULT_LIMITS
    for _ in range(DEFAULT_LIMITS.hung_after - 1):
        breaker.missed()
    assert breaker.hung is None
    breaker.missed()
    assert breaker.hung is not None
    assert f"{DEFAULT_LIMITS.timeout_s:g}s deadline" in breaker.hung


def test_misses_from_many_threads_are_all_counted() -> None:
    limits = Limits(hung_after=400)
    breaker = Breaker(limits)

    def miss() -> None:
        for _ in range(50):
            breaker.missed()

    threads = [threading.Thread(target=miss) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert breaker.hung is not None
    assert "400 requests in a row" in breaker.hung  # exactly at the limit: no miss was lost


def test_a_stream_carries_the_request_deadline_and_its_own_bounds() -> None:
    limits = Limits(timeout_s=7.5, max_stream_bytes=1234, max_stream_events=12)
    assert limits.stream() == SSELimits(max_events=12, max_bytes=1234, max_seconds=7.5)


@pytest.mark.parametrize(("timeout", "connect", "expected"), [(60.0, 5.0, 5.0), (2.0, 5.0, 2.0), (5.0, 5.0, 5.0)])
def test_connecting_never_waits_past_the_request_deadline(timeout: float, connect: float, expected: float) -> None:
    assert Limits(timeout_s=timeout, connect_timeout_s=connect).connect_s() == expected


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (4 * 1024 * 1024, "4 MiB"),
        (1 << 30, "1 GiB"),
        (3 << 30, "3 GiB"),
        (1024, "1 KiB"),
        (1536, "1536 bytes"),  # 1.5 KiB is not a whole KiB
        (1500, "1500 bytes"),
        (1024 * 1024 + 1024, "1025 KiB"),
        (0, "0 bytes"),
    ],
)
def test_sizes_are_written_in_the_largest_whole_unit(size: int, text: str) -> None:
    assert format_bytes(size) == text
