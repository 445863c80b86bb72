"""Reading a Server-Sent Events stream incrementally, within limits on events, bytes and seconds."""

from __future__ import annotations

import json
import tempfile
import time
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, overload

import httpx
from httpx_sse import EventSource

__all__ = ["RAW_KEPT_CHARS", "EventLog", "JsonObjects", "SSEEvent", "SSELimits", "SSEStream", "read_sse"]

_LONGER = "longer than"
"""How ``SSEStream.truncated`` starts when the stream's seconds ran out."""


@dataclass(frozen=True, slots=True)
class SSELimits:
    max_events: int = 5000
    max_bytes: int = 8 * 1024 * 1024
    max_seconds: float = 120.0


@dataclass(frozen=True, slots=True)
class SSEEvent:
    data: str
    event: str = "message"
    id: str = ""

    @property
    def is_done(self) -> bool:
        return self.data.strip() == "[DONE]"

    def json(self) -> Any:
        """The decoded ``data`` payload; raises ``ValueError`` when it is not JSON."""
        return json.loads(self.data)


RAW_KEPT_CHARS = 1024 * 1024
"""Characters of a stream's text kept as received (evidence, cassettes); a longer stream keeps this
much of its start (:attr:`SSEStream.raw_cut` says how much more came), so that reading a stream the
limits allow to be long takes memory that does not grow with it."""

_IN_MEMORY_BYTES = 1024 * 1024
"""Bytes of events an :class:`EventLog` holds in memory before it moves them to a temporary file."""


class EventLog(Sequence[SSEEvent]):
    """The events of one stream, in order, in a spooled temporary file: in memory while small (every
    conformant stream), on disk past :data:`_IN_MEMORY_BYTES`, so a long stream's events take a
    bounded amount of memory (eight bytes an event for their offsets). Each access reads its event
    back; a slice is a view over the same file."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY_BYTES)  # noqa: SIM115 (lives with the log)
        self._offsets = array("Q", [0])
        self._view = range(0)

    def append(self, event: SSEEvent) -> None:
        """Add an event at the end (only while the stream is read, never to a slice)."""
        record = f"{event.event}\n{event.id}\n{event.data}".encode()
        self._file.seek(self._offsets[-1])
        self._file.write(record)
        self._offsets.append(self._offsets[-1] + len(record))
        self._view = range(len(self._offsets) - 1)

    def _read(self, index: int) -> SSEEvent:
        start, end = self._offsets[index], self._offsets[index + 1]
        self._file.seek(start)
        name, event_id, data = self._file.read(end - start).decode().split("\n", 2)
        return SSEEvent(data=data, event=name, id=event_id)

    def __len__(self) -> int:
        return len(self._view)

    @overload
    def __getitem__(self, index: int) -> SSEEvent: ...

    @overload
    def __getitem__(self, index: slice) -> EventLog: ...

    def __getitem__(self, index: int | slice) -> SSEEvent | EventLog:
        if isinstance(index, slice):
            view = EventLog.__new__(EventLog)
            view._file, view._offsets, view._view = self._file, self._offsets, self._view[index]
            return view
        return self._read(self._view[index])

    def __iter__(self) -> Iterator[SSEEvent]:
        for index in self._view:
            yield self._read(index)

    def __eq__(self, other: object) -> bool:
        return _same_items(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"EventLog({len(self)} events)"


def _same_items(ours: Sequence[Any], other: object) -> bool:
    """A lazy sequence equals any sequence of the same items (a list in a test, say)."""
    return isinstance(other, Sequence) and not isinstance(other, str | bytes) and list(ours) == list(other)


class JsonObjects(Sequence[dict[str, Any]]):
    """The JSON-object payloads of a stream's events, decoded as they are read (a long stream's are
    never all in memory at once); ``[DONE]`` and undecodable events are left out."""

    def __init__(self, events: Sequence[SSEEvent]) -> None:
        self._events = events
        self._positions: array[int] | None = None

    @staticmethod
    def _decode(event: SSEEvent) -> dict[str, Any] | None:
        if event.is_done:
            return None
        try:
            payload = event.json()
        except ValueError:
            return None
        return payload if isinstance(payload, dict) else None

    def _index(self) -> array[int]:
        if self._positions is None:
            found = (n for n, event in enumerate(self._events) if self._decode(event) is not None)
            self._positions = array("Q", found)
        return self._positions

    def __len__(self) -> int:
        return len(self._index())

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self[n] for n in range(len(self))[index]]
        payload = self._decode(self._events[self._index()[index]])
        assert payload is not None  # the index holds the positions of objects only
        return payload

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for event in self._events:
            payload = self._decode(event)
            if payload is not None:
                yield payload

    def __bool__(self) -> bool:
        return any(True for _ in self)

    def __eq__(self, other: object) -> bool:
        return _same_items(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        first = list(islice(self, 5))  # a long stream's payloads are never all listed
        return f"JsonObjects({first!r}{', ...' if len(first) == 5 else ''})"


@dataclass
class SSEStream:
    """What was read from one stream, and why reading stopped."""

    events: Sequence[SSEEvent] = field(default_factory=list)
    """In order; :func:`read_sse` gives an :class:`EventLog` (bounded memory however long the stream)."""
    raw: str = ""
    """The exact text received (kept for cassettes and evidence), up to :data:`RAW_KEPT_CHARS`."""
    raw_cut: int = 0
    """Characters received after the kept :attr:`raw` (0: ``raw`` is the whole stream)."""
    truncated: str | None = None
    """Which limit stopped the read, if any."""
    content_type: str = ""

    @property
    def out_of_time(self) -> bool:
        """Reading stopped because the stream's seconds ran out (events were still coming)."""
        return self.truncated is not None and self.truncated.startswith(_LONGER)

    def json_events(self) -> list[Any]:
        """Decoded payloads of every non-``[DONE]`` event; undecodable ones are skipped (all in memory:
        for the short streams of a scenario's steps; checks read :meth:`objects` instead)."""
        out = []
        for event in self.events:
            if event.is_done:
                continue
            try:
                out.append(event.json())
            except ValueError:
                continue
        return out

    def objects(self) -> JsonObjects:
        """The JSON-object payloads in order, decoded as they are read."""
        return JsonObjects(self.events)


class _MeteredResponse:
    """What httpx-sse's ``EventSource`` reads: the real stream's text, metered, its start kept.

    The content type is reported as ``text/event-stream`` whatever the server sent, so that a
    wrong content type becomes a finding of the caller's (it has ``SSEStream.content_type``)
    instead of an exception here.
    """

    headers = httpx.Headers({"content-type": "text/event-stream"})

    def __init__(self, response: httpx.Response, limits: SSELimits, started: float) -> None:
        self._response = response
        self._limits = limits
        self._started = started
        self.kept: list[str] = []
        self.kept_size = 0
        self.size = 0
        self.truncated: str | None = None

    def iter_text(self) -> Iterator[str]:
        for text in self._response.iter_text():
            room = RAW_KEPT_CHARS - self.kept_size
            if room > 0:
                self.kept.append(text[:room])
                self.kept_size += min(room, len(text))
            self.size += len(text)
            yield text
            if self.size > self._limits.max_bytes:
                self.truncated = f"more than {self._limits.max_bytes} bytes"
                return
            if time.monotonic() - self._started > self._limits.max_seconds:
                self.truncated = f"{_LONGER} {self._limits.max_seconds:g} seconds"
                return


def read_sse(response: httpx.Response, limits: SSELimits | None = None) -> SSEStream:
    """Read ``response`` (opened with ``stream=True``) event by event until it ends or a limit is hit."""
    limits = limits or SSELimits()
    started = time.monotonic()
    metered = _MeteredResponse(response, limits, started)
    events = EventLog()
    result = SSEStream(events=events, content_type=response.headers.get("content-type", ""))
    for sse in EventSource(metered).iter_sse():  # type: ignore[arg-type]
        events.append(SSEEvent(data=sse.data, event=sse.event or "message", id=sse.id or ""))
        if len(events) >= limits.max_events:
            result.truncated = f"more than {limits.max_events} events"
            break
        if time.monotonic() - started > limits.max_seconds:
            result.truncated = f"{_LONGER} {limits.max_seconds:g} seconds"
            break
    result.truncated = result.truncated or metered.truncated
    result.raw = "".join(metered.kept)
    result.raw_cut = metered.size - metered.kept_size
    return result
