"""The mock server: an ASGI app answering from the engine, applying faults, keeping a journal.

It is a bare ASGI callable rather than a framework route because a fault must be able to break the
HTTP exchange itself: send half an answer and drop the connection (``reset-mid-stream``).

``/__mock/journal`` is the mock's own: ``GET`` lists every request answered so far (method, path,
query, headers with credentials redacted, body, the status given, what answered it, the fault
applied); ``DELETE`` empties it. With ``journal_file`` each entry is also appended there as a JSON
line as it happens.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.core.media_types import JSON_MEDIA_TYPE, is_json
from conformance.core.redact import Redactor
from conformance.mock.engine import Answer, Engine
from conformance.mock.faults import FAULT_HEADER, Fault, FaultBook, parse_fault
from conformance.mock.recordings import json_or_none

__all__ = ["JOURNAL_PATH", "MockApp", "MockSettings"]

JOURNAL_PATH = "/__mock/journal"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True)
class MockSettings:
    stream_delay_s: float = 0.0
    """Pause between the events of a replayed stream (cassettes carry no timing)."""
    faults: tuple[Fault, ...] = ()
    journal_file: Path | None = None


@dataclass
class Journal:
    entries: list[dict[str, Any]] = field(default_factory=list)
    path: Path | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, entry: dict[str, Any]) -> None:
        with self.lock:
            entry = {"seq": len(self.entries) + 1, **entry}
            self.entries.append(entry)
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(entry) + "\n")

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


def _fault_body(fault: Fault) -> bytes:
    return json.dumps({"detail": f"mock fault: {fault.text}"}).encode()


class MockApp:
    def __init__(self, engine: Engine, settings: MockSettings | None = None) -> None:
        self.engine = engine
        self.settings = settings or MockSettings()
        self.faults = FaultBook(self.settings.faults)
        self.journal = Journal(path=self.settings.journal_file)
        self._redactor = Redactor()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        method = str(scope["method"]).upper()
        path = str(scope["path"])
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        query = dict(
            pair.split("=", 1) if "=" in pair else (pair, "")
            for pair in scope.get("query_string", b"").decode("latin-1").split("&")
            if pair
        )
        if path == JOURNAL_PATH:
            await self._journal(method, send)
            return
        entry: dict[str, Any] = {
            "method": method,
            "path": path,
            "query": query,
            "headers": self._redactor.headers(headers),
            "body": json_or_none(body) if is_json(headers.get("content-type", "")) else body.decode("utf-8", "replace"),
        }
        try:
            fault = self.faults.take(path, headers.get(FAULT_HEADER))
        except ValueError as exc:
            entry.update(status=400, kind="bad-fault-header")
            self.journal.add(entry)
            await _send_whole(send, 400, JSON_MEDIA_TYPE, json.dumps({"detail": f"{FAULT_HEADER}: {exc}"}).encode())
            return
        entry["fault"] = fault.text if fault else None
        if fault is not None and fault.latency_s:
            await asyncio.sleep(fault.latency_s)
        if fault is not None and fault.status is not None:
            entry.update(status=fault.status, kind="fault")
            self.journal.add(entry)
            extra = [(b"retry-after", fault.retry_after.encode())] if fault.retry_after else []
            await _send_whole(send, fault.status, JSON_MEDIA_TYPE, _fault_body(fault), extra)
            return
        answer = self.engine.answer(method, path, query, body, is_json(headers.get("content-type", "")) or not body)
        entry.update(status=answer.status, kind=answer.kind, matched=answer.matched)
        self.journal.add(entry)
        await self._send_answer(send, answer, fault)

    async def _journal(self, method: str, send: Send) -> None:
        if method == "DELETE":
            self.journal.clear()
        with self.journal.lock:
            payload = json.dumps({"requests": list(self.journal.entries)}).encode()
        await _send_whole(send, 200, JSON_MEDIA_TYPE, payload)

    async def _send_answer(self, send: Send, answer: Answer, fault: Fault | None) -> None:
        data = answer.body.encode()
        if fault is not None and fault.malformed_json:
            await _send_whole(send, 200, JSON_MEDIA_TYPE, data[: max(1, len(data) // 2)] or b"{")
            return
        reset = fault is not None and fault.reset_mid_stream
        if not answer.stream:
            if reset:
                await _send_start(
                    send, answer.status, answer.content_type, [(b"content-length", str(len(data)).encode())]
                )
                await send({"type": "http.response.body", "body": data[: len(data) // 2], "more_body": True})
                return  # uvicorn drops a connection whose answer never completed
            await _send_whole(send, answer.status, answer.content_type, data)
            return
        events = [e for e in answer.body.split("\n\n") if e.strip()]
        await _send_start(send, answer.status, answer.content_type, [(b"cache-control", b"no-cache")])
        for index, event in enumerate(events):
            if reset and index >= max(1, len(events) // 2):
                return
            if index and self.settings.stream_delay_s:
                await asyncio.sleep(self.settings.stream_delay_s)
            await send({"type": "http.response.body", "body": (event + "\n\n").encode(), "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _send_start(send: Send, status: int, content_type: str, extra: list[tuple[bytes, bytes]]) -> None:
    headers = [(b"content-type", content_type.encode() or b"application/octet-stream"), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})


async def _send_whole(
    send: Send, status: int, content_type: str, data: bytes, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    await _send_start(send, status, content_type, [(b"content-length", str(len(data)).encode()), *(extra or [])])
    await send({"type": "http.response.body", "body": data})


def faults_from(texts: tuple[str, ...]) -> tuple[Fault, ...]:
    return tuple(parse_fault(t) for t in texts)
