"""A step sent again until its answer settles: a background job read back until it is done.

Recording and replay both go through :func:`send_until`, so neither depends on how fast the server
finishes: a recording keeps only the settled answer (and the rule, in the cassette), and a replay polls
the same way before it compares. The wait is bounded; an answer that never settles is kept as it last
was, so a replay compares it (``in_progress`` against the recorded ``completed`` is a difference).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from conformance.core.http_exchange import Exchange

__all__ = ["Settle", "send_until"]


@dataclass(frozen=True, slots=True)
class Settle:
    """Send the step again while its JSON answer's ``field`` is not one of ``until``, at most ``seconds``."""

    field: str
    until: tuple[str, ...]
    seconds: float = 60.0
    """A bound against a server whose job never ends (a guard, not a measure of speed)."""
    interval: float = 0.2

    def settled(self, exchange: Exchange) -> bool:
        """Whether this answer is final: the field has a settled value, or the request failed outright."""
        if exchange.status != 200:
            return True
        body = exchange.json_or_none()
        return isinstance(body, dict) and body.get(self.field) in self.until


def send_until(send: Callable[[], Exchange], settle: Settle) -> Exchange:
    """Call ``send`` until its answer is settled or ``settle.seconds`` have passed; the last answer."""
    deadline = time.monotonic() + settle.seconds
    while True:
        exchange = send()
        if settle.settled(exchange) or time.monotonic() >= deadline:
            return exchange
        time.sleep(settle.interval)
