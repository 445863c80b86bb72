"""send_until: a step sent again until its answer settles, bounded, the last answer kept."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from conformance.core.http_exchange import Exchange
from conformance.core.settle import Settle, send_until

DONE = Settle(field="status", until=("completed", "failed"), seconds=60.0, interval=0.0)


def _answer(status: int, body: Any) -> Exchange:
    response = httpx.Response(status, json=body)
    return Exchange(
        request=httpx.Request("GET", "http://127.0.0.1/v1/responses/r"), response=response, text=response.text
    )


def _sender(answers: list[Exchange]) -> tuple[list[Exchange], Any]:
    sent: list[Exchange] = []

    def send() -> Exchange:
        sent.append(answers[len(sent)])
        return sent[-1]

    return sent, send


def test_the_step_is_sent_again_until_its_field_is_settled() -> None:
    answers = [_answer(200, {"status": s}) for s in ("queued", "in_progress", "in_progress", "completed", "queued")]
    sent, send = _sender(answers)
    assert send_until(send, DONE) is answers[3]
    assert len(sent) == 4


@pytest.mark.parametrize(
    "first", [_answer(404, {"error": "not found"}), _answer(200, {"status": "failed"})], ids=["error", "final"]
)
def test_an_error_or_a_final_status_settles_at_once(first: Exchange) -> None:
    sent, send = _sender([first, _answer(200, {"status": "completed"})])
    assert send_until(send, DONE) is first
    assert len(sent) == 1


def test_a_job_that_never_ends_gives_its_last_answer_at_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter(range(1000))
    monkeypatch.setattr("conformance.core.settle.time.monotonic", lambda: float(next(clock)))
    monkeypatch.setattr("conformance.core.settle.time.sleep", lambda _s: None)
    answers = [_answer(200, {"status": "in_progress"}) for _ in range(10)]
    sent, send = _sender(answers)
    assert send_until(send, Settle(field="status", until=("completed",), seconds=3.0)) is sent[-1]
    assert len(sent) == 3  # sent at t=1, 2 and 3 (the bound), then kept as it last was
