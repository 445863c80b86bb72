"""Fault injection: what a fault says, parsed from ``--fault`` or the ``X-Mock-Fault`` header, and its count.

A fault is comma-separated ``key=value`` items and flags::

    status=429,retry-after=1,times=2    answer 429 (with Retry-After: 1) to the first 2 matching requests
    status=503                          answer 503 to every matching request
    reset-mid-stream                    send half the answer, then drop the connection
    latency=2s                          wait before answering (ms, s; a bare number is seconds)
    malformed-json                      answer 200 with a JSON body cut short
    path=/v1/chat/*                     only requests whose path matches the glob (any fault kind)

``times=N`` makes a fault fire N times, after which the mock answers normally again. A fault given
with ``--fault`` counts every request it matches; one given in a request's ``X-Mock-Fault`` header
counts the requests carrying that same header value (an SDK's retries resend it).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

__all__ = ["FAULT_HEADER", "Fault", "FaultBook", "parse_fault"]

FAULT_HEADER = "x-mock-fault"
_FLAGS = {"reset-mid-stream", "malformed-json"}
_KEYS = {"status", "retry-after", "times", "latency", "path"}


@dataclass(frozen=True, slots=True)
class Fault:
    text: str
    status: int | None = None
    retry_after: str | None = None
    times: int | None = None
    latency_s: float = 0.0
    reset_mid_stream: bool = False
    malformed_json: bool = False
    path: str | None = None

    def applies_to(self, path: str) -> bool:
        return self.path is None or fnmatchcase(path, self.path)


def _seconds(value: str) -> float:
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*", value)
    if found is None:
        raise ValueError(f"latency {value!r} is not a duration (write 250ms or 2s)")
    number = float(found.group(1))
    return number / 1000 if found.group(2) == "ms" else number


def parse_fault(text: str) -> Fault:
    """A fault from its text; ``ValueError`` with a one-line reason when it is malformed."""
    values: dict[str, str] = {}
    flags: set[str] = set()
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep:
            if key not in _FLAGS:
                raise ValueError(f"unknown fault {key!r} (flags: {', '.join(sorted(_FLAGS))})")
            flags.add(key)
        elif key not in _KEYS:
            raise ValueError(f"unknown fault key {key!r} (keys: {', '.join(sorted(_KEYS))})")
        else:
            values[key] = value.strip()
    status = None
    if "status" in values:
        if not re.fullmatch(r"[1-5]\d\d", values["status"]):
            raise ValueError(f"status {values['status']!r} is not an HTTP status")
        status = int(values["status"])
    times = None
    if "times" in values:
        if not values["times"].isdigit() or int(values["times"]) < 1:
            raise ValueError(f"times {values['times']!r} is not a positive count")
        times = int(values["times"])
    latency = _seconds(values["latency"]) if "latency" in values else 0.0
    if status is None and not flags and not latency:
        raise ValueError(
            f"fault {text!r} says nothing to do (give status=, latency=, reset-mid-stream or malformed-json)"
        )
    return Fault(
        text=text,
        status=status,
        retry_after=values.get("retry-after"),
        times=times,
        latency_s=latency,
        reset_mid_stream="reset-mid-stream" in flags,
        malformed_json="malformed-json" in flags,
        path=values.get("path"),
    )


@dataclass
class FaultBook:
    """The faults in force and how many times each has fired."""

    configured: tuple[Fault, ...] = ()
    fired: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, path: str, header: str | None) -> Fault | None:
        """The fault this request gets (the header's first, then the configured ones), counting it."""
        candidates = [(f"header:{header}", parse_fault(header))] if header else []
        candidates += [(f"fault:{index}", fault) for index, fault in enumerate(self.configured)]
        with self.lock:
            for key, fault in candidates:
                if not fault.applies_to(path):
                    continue
                count = self.fired.get(key, 0)
                if fault.times is not None and count >= fault.times:
                    continue
                self.fired[key] = count + 1
                return fault
        return None
