"""How long and how much the harness waits for and reads from a server: one value for every suite.

A CI gate must end whatever the server does. Every request the harness sends (our suites' through
:class:`~conformance.core.client.TargetClient`, Schemathesis' through the guard proxy) has a
wall-clock deadline that covers connecting, the headers and the whole body, so a server that drips
one byte a second ends like one that never answers; every body has a size limit, read incrementally
and never whole; a stream is bounded in events, bytes and seconds. When several requests in a row
get no answer in time, the server is deemed hung (:class:`Breaker`) and the remaining requests fail
at once instead of each waiting out its deadline.

What the limits produce is an ``error`` (the harness could not judge), never a ``fail``: the
contract sets no size or time, so a limit is the harness's, and the user can raise it. See the
README's "Limits" section.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from conformance.core.sse import SSELimits

__all__ = ["DEFAULT_LIMITS", "HUNG_MARK", "Breaker", "Limits", "format_bytes"]

HUNG_MARK = "so the rest were not sent"
"""Ends the reason a request was not sent to a hung server (:attr:`Breaker.hung`): progress output
prints the first such error and counts the others."""


@dataclass(frozen=True, slots=True)
class Limits:
    timeout_s: float = 60.0
    """Wall-clock deadline for one request: connect, headers and the whole body. An event stream gets
    as long again after its headers; one still going then is cut and judged ("the stream did not end")."""
    connect_timeout_s: float = 5.0
    max_body_bytes: int = 4 * 1024 * 1024
    """Largest body read for one answer (decoded); the contract's answers are a few KB."""
    max_stream_bytes: int = 16 * 1024 * 1024
    """Largest event stream read for one request."""
    max_stream_events: int = 5000
    hung_after: int = 3
    """Requests in a row without an answer within the deadline after which the server is deemed hung."""

    def stream(self) -> SSELimits:
        """The limits of one event stream: its own size bounds, and the request's deadline."""
        return SSELimits(max_events=self.max_stream_events, max_bytes=self.max_stream_bytes, max_seconds=self.timeout_s)

    def connect_s(self) -> float:
        return min(self.connect_timeout_s, self.timeout_s)

    def too_large(self, request: str, status: int, how: str, *, stream: bool = False) -> str:
        """Why an answer was cut: ``request`` (``GET /v1/models``) answered ``status`` with a body that
        ``how`` (``declares 209715200 bytes``), over the body limit, or the stream limit with ``stream``."""
        if stream:
            limit = f"{format_bytes(self.max_stream_bytes)} limit of an event stream (4 x --max-body-bytes)"
        else:
            limit = f"{format_bytes(self.max_body_bytes)} limit (--max-body-bytes)"
        return f"{request} answered {status} with a body that {how}, over the {limit}; it was not read further"


DEFAULT_LIMITS = Limits()


def format_bytes(size: int) -> str:
    """``4194304`` -> ``'4 MiB'``; ``1500`` -> ``'1500 bytes'``."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return "1 byte" if size == 1 else f"{size} bytes"


@dataclass
class Breaker:
    """Counts requests in a row that got no answer within the deadline; past ``limits.hung_after`` the
    server is hung and stays so for the rest of the run (every later request fails at once).

    Shared by every client of one run (our suites' and the guard proxy's threads), hence the lock.
    """

    limits: Limits = DEFAULT_LIMITS
    _misses: int = 0
    _hung: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def hung(self) -> str | None:
        """Why the server is deemed hung (a sentence naming the limit); ``None`` while it answers."""
        return self._hung

    def answered(self) -> None:
        with self._lock:
            if self._hung is None:
                self._misses = 0

    def missed(self) -> None:
        with self._lock:
            self._misses += 1
            if self._hung is None and self._misses >= self.limits.hung_after:
                self._hung = (
                    f"the server gave no complete answer to {self._misses} requests in a row within the "
                    f"{self.limits.timeout_s:g}s deadline (--timeout), {HUNG_MARK}"
                )
