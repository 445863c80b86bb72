"""Small misbehaving HTTP/1.1 servers on real sockets, for the hostile-server test matrix: whatever the
server does, a run (and a CI gate) must end.

``with hostile_server("drip", drip_interval=0.05) as server:`` serves in background daemon threads on
``127.0.0.1``; ``server.base_url`` (also ``str(server)``) is ``http://127.0.0.1:PORT``, ``server.requests``
counts the requests read so far and ``server.received`` lists their ``(method, path)``. Leaving the block
closes the listener and every open client connection, even one mid-drip or mid-hang, and joins the
threads (within about a tenth of a second).

Requests are read properly (request line, headers, a ``Content-Length`` or chunked body; an
absolute-form target as sent to a forward proxy counts by its path), so keep-alive clients work where
the mode allows, and every connection has its own thread. The modes are :data:`HOSTILITIES`, described
in :data:`DESCRIPTIONS`.

Probes: ``GET /v1/version`` (``{"version": "1.5.0"}``) and ``GET /v1/health`` (``{"status": "OK"}``)
are answered normally by ``hang-after-version`` always, and by every other mode but
``hang-after-accept`` when ``answer_probes=True`` (by default every request misbehaves).
"""

from __future__ import annotations

import itertools
import json
import socket
import struct
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Literal, get_args
from urllib.parse import urlsplit

__all__ = ["DESCRIPTIONS", "HOSTILITIES", "PROBE_ANSWERS", "HostileServer", "Hostility", "hostile_server"]

Hostility = Literal[
    "hang-after-accept",
    "drip",
    "reset-mid-body",
    "reset-mid-stream",
    "invalid-json",
    "invalid-utf8",
    "invalid-json-sse",
    "invalid-utf8-sse",
    "huge-body",
    "endless-sse",
    "html-200",
    "redirect-loop",
    "no-keep-alive",
    "html-500",
    "hang-after-version",
]
HOSTILITIES: tuple[Hostility, ...] = get_args(Hostility)

DESCRIPTIONS: dict[Hostility, str] = {
    "hang-after-accept": "accepts the connection, reads the request and never answers (ignores answer_probes)",
    "drip": "200 application/json headers without Content-Length, then one body byte per drip_interval, forever",
    "reset-mid-body": "200 application/json with Content-Length: 100000, 10 body bytes, then a TCP reset",
    "reset-mid-stream": "200 text/event-stream, two valid events, then a TCP reset",
    "invalid-json": "200 application/json whose body is truncated JSON (correct Content-Length)",
    "invalid-utf8": "200 application/json whose body has invalid UTF-8 inside a string",
    "invalid-json-sse": "200 text/event-stream whose events' data is not JSON, then a clean end",
    "invalid-utf8-sse": "200 text/event-stream whose event data is not UTF-8, then a clean end",
    "huge-body": "200 application/json, a valid JSON document of huge_size bytes (200 MB) generated while sent",
    "endless-sse": "200 text/event-stream, a valid chat.completion.chunk event every sse_interval (10 ms), forever",
    "html-200": "200 text/html <html><body>hello</body></html> for every request",
    "redirect-loop": "302 Found to the same absolute URL for every request",
    "no-keep-alive": "200 JSON answers with Connection: close, closing the connection after each one",
    "html-500": "500 text/html <html><body>Internal Server Error</body></html> for every request",
    "hang-after-version": "answers GET /v1/version and GET /v1/health, never answers anything else",
}

PROBE_ANSWERS: dict[str, object] = {"/v1/version": {"version": "1.5.0"}, "/v1/health": {"status": "OK"}}

_POLL = 0.05  # how often a blocked thread looks at the stop flag (closing its socket also wakes it)
_RESET_PAUSE = 0.1  # between the bytes sent and the reset, so the client has read them
_DRAIN_LIMIT = 1.0  # a graceful close waits at most this long for the client's end
_MAX_LINE = 65536
_MAX_HEADERS = 200

_LIST_PREFIX = b'{"object":"list","data":['
_MODEL_ITEM = b'{"id":"x","object":"model"},'
_LIST_SUFFIX = b"{}]}"
_CHUNK_EVENT = b'data: {"id":"c","object":"chat.completion.chunk","choices":[]}\n\n'
_HUGE_CHUNK = _MODEL_ITEM * (65536 // len(_MODEL_ITEM))
_FIXED_ANSWERS: dict[str, tuple[str, str, bytes]] = {
    "invalid-json": ("200 OK", "application/json", b'{"object": "list", "data": ['),
    "invalid-utf8": ("200 OK", "application/json", b'{"object":"list","data":[],"x":"\xff\xfe"}'),
    "html-200": ("200 OK", "text/html", b"<html><body>hello</body></html>"),
    "html-500": ("500 Internal Server Error", "text/html", b"<html><body>Internal Server Error</body></html>"),
}
_INVALID_EVENTS: dict[str, tuple[bytes, ...]] = {
    "invalid-json-sse": (b'data: {"id":"c","object":"chat.completion.chunk","choices":[\n\n', b"data: not json\n\n"),
    "invalid-utf8-sse": (
        b'data: {"id":"\xff\xfe","object":"chat.completion.chunk","choices":[]}\n\n',
        b"data: \xc3(\n\n",
    ),
}


class _StoppedError(Exception):
    """The server is shutting down; the connection ends."""


class _BadRequestError(Exception):
    """The bytes are not an HTTP/1.x request; the connection ends."""


@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    target: str
    keep_alive: bool


class HostileServer:
    """A running hostile server: ``base_url``, and what it has received so far."""

    def __init__(
        self,
        mode: Hostility,
        *,
        answer_probes: bool = False,
        drip_interval: float = 1.0,
        sse_interval: float = 0.01,
        huge_size: int = 200 * 1024 * 1024,
    ) -> None:
        if mode not in HOSTILITIES:
            raise ValueError(f"unknown hostility {mode!r}; expected one of {', '.join(HOSTILITIES)}")
        minimum = len(_LIST_PREFIX) + len(_LIST_SUFFIX)
        if huge_size < minimum:
            raise ValueError(f"huge_size must be at least {minimum} bytes")
        self.mode: Hostility = mode
        self.answer_probes = answer_probes
        self.drip_interval = drip_interval
        self.sse_interval = sse_interval
        self.huge_size = huge_size
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._received: list[tuple[str, str]] = []
        self._connections = 0
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(_POLL)
        host, port = self._listener.getsockname()[:2]
        self.base_url = f"http://{host}:{port}"
        self._accepting = threading.Thread(target=self._accept_loop, name=f"hostile-{mode}-accept", daemon=True)

    def __str__(self) -> str:
        return self.base_url

    def __repr__(self) -> str:
        return f"HostileServer({self.mode!r}, base_url={self.base_url!r})"

    @property
    def requests(self) -> int:
        """How many requests were read (their head at least), over all connections."""
        with self._lock:
            return len(self._received)

    @property
    def received(self) -> list[tuple[str, str]]:
        """``(method, path)`` of every request read, in order."""
        with self._lock:
            return list(self._received)

    @property
    def connections(self) -> int:
        """How many connections were accepted."""
        with self._lock:
            return self._connections

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._accepting.start()

    def close(self, timeout: float = 2.0) -> None:
        """Stop accepting, end every open connection and join the threads."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        self._accepting.join(max(0.0, deadline - time.monotonic()))
        self._listener.close()
        with self._lock:
            for sock in self._open:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            for sock in self._open:
                sock.close()
            self._open.clear()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(_POLL)
            with self._lock:
                if self._stop.is_set():
                    sock.close()
                    return
                self._connections += 1
                self._open.add(sock)
                thread = threading.Thread(
                    target=self._serve, args=(sock,), name=f"hostile-{self.mode}-conn{self._connections}", daemon=True
                )
                self._threads = [t for t in self._threads if t.is_alive()]
                self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        conn = _Connection(sock, self._stop)
        try:
            while (request := conn.read_request()) is not None:
                with self._lock:
                    self._received.append((request.method, request.path))
                if not self._answer(conn, request):
                    break
        except (OSError, _StoppedError, _BadRequestError):
            pass
        finally:
            with self._lock:
                self._open.discard(sock)
                sock.close()

    # ------------------------------------------------------------------ behaviour

    def _answer(self, conn: _Connection, request: _Request) -> bool:
        """Answer one request (or not); ``True`` when the connection serves the next one."""
        mode = self.mode
        keep = request.keep_alive and mode != "no-keep-alive"
        answers_probes = mode == "hang-after-version" or (self.answer_probes and mode != "hang-after-accept")
        if answers_probes and request.method == "GET" and request.path in PROBE_ANSWERS:
            conn.respond("200 OK", "application/json", json.dumps(PROBE_ANSWERS[request.path]).encode(), keep)
        elif mode in ("hang-after-accept", "hang-after-version"):
            conn.hang()
            return False
        elif mode == "drip":
            conn.send_head("200 OK", ["Content-Type: application/json", "Connection: close"])
            for byte in _endless_list():
                if self._stop.wait(self.drip_interval):
                    break
                conn.send(byte)
            return False
        elif mode in ("reset-mid-body", "reset-mid-stream"):
            if mode == "reset-mid-body":
                conn.send_head("200 OK", ["Content-Type: application/json", "Content-Length: 100000"])
                conn.send(_LIST_PREFIX[:10])
            else:
                conn.send_head("200 OK", _stream_headers(keep=True))
                conn.send_chunk(b'data: {"type":"x"}\n\n')
                conn.send_chunk(b'data: {"type":"x"}\n\n')
            conn.reset()
            return False
        elif mode in ("invalid-json-sse", "invalid-utf8-sse"):
            conn.send_head("200 OK", _stream_headers(keep))
            for event in _INVALID_EVENTS[mode]:
                conn.send_chunk(event)
            conn.send(b"0\r\n\r\n")
        elif mode == "huge-body":
            conn.send_head(
                "200 OK", ["Content-Type: application/json", f"Content-Length: {self.huge_size}", *_close(keep)]
            )
            for piece in _huge_document(self.huge_size):
                conn.send(piece)
        elif mode == "endless-sse":
            conn.send_head("200 OK", _stream_headers(keep))
            while not self._stop.wait(self.sse_interval):
                conn.send_chunk(_CHUNK_EVENT)
            return False
        elif mode == "redirect-loop":
            location = f"{self.base_url}{_path_and_query(request.target)}"
            conn.send_head("302 Found", [f"Location: {location}", "Content-Length: 0", *_close(keep)])
        elif mode == "no-keep-alive":
            body = {"object": "list", "data": []} if request.method == "GET" else {"id": "x", "object": "thing"}
            conn.respond("200 OK", "application/json", json.dumps(body).encode(), keep)
        else:
            status, content_type, payload = _FIXED_ANSWERS[mode]
            conn.respond(status, content_type, payload, keep)
        if not keep:
            conn.close_gracefully()
        return keep


@contextmanager
def hostile_server(
    mode: Hostility,
    *,
    answer_probes: bool = False,
    drip_interval: float = 1.0,
    sse_interval: float = 0.01,
    huge_size: int = 200 * 1024 * 1024,
) -> Iterator[HostileServer]:
    """Serve ``mode`` in background threads; yields the running :class:`HostileServer` (``str()`` is its URL)."""
    server = HostileServer(
        mode, answer_probes=answer_probes, drip_interval=drip_interval, sse_interval=sse_interval, huge_size=huge_size
    )
    server.start()
    try:
        yield server
    finally:
        server.close()


# ---------------------------------------------------------------------- bytes


def _close(keep: bool) -> list[str]:
    return [] if keep else ["Connection: close"]


def _stream_headers(keep: bool) -> list[str]:
    return ["Content-Type: text/event-stream", "Cache-Control: no-cache", "Transfer-Encoding: chunked", *_close(keep)]


def _path_and_query(target: str) -> str:
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return target


def _endless_list() -> Iterator[bytes]:
    """A JSON list that never ends, one byte at a time."""
    for piece in itertools.chain([_LIST_PREFIX], itertools.repeat(_MODEL_ITEM)):
        for i in range(len(piece)):
            yield piece[i : i + 1]


def _huge_document(size: int) -> Iterable[bytes]:
    """A valid JSON list of exactly ``size`` bytes, in pieces of at most 64 KiB (whitespace pads the end)."""
    items, padding = divmod(size - len(_LIST_PREFIX) - len(_LIST_SUFFIX), len(_MODEL_ITEM))
    yield _LIST_PREFIX
    full, rest = divmod(items, len(_HUGE_CHUNK) // len(_MODEL_ITEM))
    for _ in range(full):
        yield _HUGE_CHUNK
    yield _MODEL_ITEM * rest + b" " * padding + _LIST_SUFFIX


class _Connection:
    """One accepted socket: buffered reading of requests, sending that gives up when the server stops."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.sock = sock
        self.stop = stop
        self.buffer = b""

    # reading

    def _fill(self) -> bool:
        """Read more bytes into the buffer; ``False`` at the client's end of stream."""
        while True:
            if self.stop.is_set():
                raise _StoppedError
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                continue
            if not data:
                return False
            self.buffer += data
            return True

    def _line(self) -> bytes | None:
        while (end := self.buffer.find(b"\n")) < 0:
            if len(self.buffer) > _MAX_LINE:
                raise _BadRequestError("line too long")
            if not self._fill():
                return None
        line, self.buffer = self.buffer[: end + 1], self.buffer[end + 1 :]
        return line.rstrip(b"\r\n")

    def _exactly(self, count: int) -> None:
        while len(self.buffer) < count:
            if not self._fill():
                raise _BadRequestError("body cut short")
        self.buffer = self.buffer[count:]

    def read_request(self) -> _Request | None:
        """The next request with its body consumed; ``None`` when the client closed between requests."""
        line = self._line()
        while line == b"":  # tolerated before a request line (RFC 9112 section 2.2)
            line = self._line()
        if line is None:
            return None
        parts = line.decode("latin-1").split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _BadRequestError(line)
        method, target, version = parts
        headers: dict[str, str] = {}
        for _ in range(_MAX_HEADERS):
            header = self._line()
            if header is None:
                raise _BadRequestError("headers cut short")
            if not header:
                break
            name, _, value = header.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        else:
            raise _BadRequestError("too many headers")
        if headers.get("expect", "").lower() == "100-continue":
            self.send(b"HTTP/1.1 100 Continue\r\n\r\n")
        if "chunked" in headers.get("transfer-encoding", "").lower():
            self._chunked_body()
        elif length := headers.get("content-length"):
            try:
                self._exactly(int(length))
            except ValueError as exc:
                raise _BadRequestError(length) from exc
        connection = headers.get("connection", "").lower()
        keep_alive = "close" not in connection and (version == "HTTP/1.1" or "keep-alive" in connection)
        path = urlsplit(target).path if target.startswith(("http://", "https://")) else target.partition("?")[0]
        return _Request(method, path or "/", target, keep_alive)

    def _chunked_body(self) -> None:
        while True:
            size_line = self._line()
            if size_line is None:
                raise _BadRequestError("chunked body cut short")
            try:
                size = int(size_line.split(b";")[0].strip(), 16)
            except ValueError as exc:
                raise _BadRequestError(size_line) from exc
            if size == 0:
                while (trailer := self._line()) != b"":
                    if trailer is None:
                        raise _BadRequestError("trailers cut short")
                return
            self._exactly(size + 2)

    def hang(self) -> None:
        """Never answer: read and drop whatever comes until the client leaves or the server stops."""
        self.buffer = b""
        while self._fill():
            self.buffer = b""

    # writing

    def send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            if self.stop.is_set():
                raise _StoppedError
            try:
                sent = self.sock.send(view)
            except TimeoutError:
                continue
            view = view[sent:]

    def send_head(self, status: str, headers: list[str]) -> None:
        self.send(("\r\n".join([f"HTTP/1.1 {status}", *headers]) + "\r\n\r\n").encode("latin-1"))

    def send_chunk(self, data: bytes) -> None:
        self.send(b"%x\r\n%s\r\n" % (len(data), data))

    def respond(self, status: str, content_type: str, body: bytes, keep: bool) -> None:
        self.send_head(status, [f"Content-Type: {content_type}", f"Content-Length: {len(body)}", *_close(keep)])
        self.send(body)

    def reset(self) -> None:
        """Make the coming close a TCP RST (``SO_LINGER`` 0), after a pause for the client to read what came."""
        if self.stop.wait(_RESET_PAUSE):
            raise _StoppedError
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # closing now resets

    def close_gracefully(self) -> None:
        """FIN after the answer, then drop what the client still sends until it closes too (no RST)."""
        with suppress(OSError):
            self.sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + _DRAIN_LIMIT
        with suppress(OSError):
            while time.monotonic() < deadline and not self.stop.is_set():
                try:
                    if not self.sock.recv(65536):
                        break
                except TimeoutError:
                    continue
