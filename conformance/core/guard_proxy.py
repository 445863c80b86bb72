"""The guard: an HTTP proxy on 127.0.0.1 that holds a client we do not control to the run's limits.

Schemathesis sends its requests with ``requests``, whose timeouts bound each socket read, not the
request, and which reads every body whole. Pointed at this proxy (its ``proxy`` setting), every
request it sends gets the run's :class:`~conformance.core.limits.Limits`: a wall-clock deadline for
the whole answer, a size limit for the body (an event stream's own), and the run's
:class:`~conformance.core.limits.Breaker`. The answer is passed through byte for byte as it arrives,
never buffered; when a limit is hit the proxy cuts the connection, so the client sees a broken
answer (an error, never a verdict), and records why in :attr:`GuardProxy.events` so that the report
can say it in the proxy's words (:meth:`GuardProxy.explain`).

It takes absolute-form requests (``GET http://host/v1/models``, as sent to a forward proxy) and
origin-form ones (``GET /v1/models``, sent on to the target), so it can also serve as a client's base
URL. Redirects are passed through, not followed. The proxy runs an asyncio loop in one daemon thread.

With ``record=True`` it also keeps every exchange it relayed (:attr:`GuardProxy.exchanges`: method, URL,
headers, status and both bodies, each cut at :data:`RECORDED_BODY_BYTES`), so that a finding about a
client we do not control (an official SDK) carries evidence and a curl reproduction like any other.
A request's :data:`TAG_HEADER` names whose traffic it is (an SDK flow); it is kept as the exchange's
``tag`` and not sent on.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import threading
import zlib
from collections import deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

import h11
import httpx

from conformance.core.limits import Breaker, Limits
from conformance.core.media_types import media_type

__all__ = ["RECORDED_BODY_BYTES", "TAG_HEADER", "GuardEvent", "GuardProxy", "RecordedExchange"]

_HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"proxy-connection", b"proxy-authorization", b"te", b"trailer",
     b"transfer-encoding", b"upgrade"}
)  # fmt: skip
_EVENTS_KEPT = 1000
_STREAM_GRACE_S = 5.0
_RETRYABLE = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
RECORDED_BODY_BYTES = 256 * 1024
"""How much of each body a recording proxy keeps (the size of the whole is kept too)."""
TAG_HEADER = "x-conformance-tag"
"""A request header naming whose traffic the request is; recorded as the exchange's tag, not forwarded."""


def _ack_at_once(sock: socket.socket | None) -> None:
    """Acknowledge what arrives next at once (Linux ``TCP_QUICKACK``, which the kernel turns off again).

    requests writes a request's headers and its body in two sends on a connection to a proxy without
    ``TCP_NODELAY``, so the body waits for the headers' ACK, which the kernel delays by 40 ms: every
    request with a body took 45 ms through the proxy instead of 2.
    """
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None and sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)


@dataclass(frozen=True, slots=True)
class GuardEvent:
    """A request the proxy cut short or refused, and why."""

    method: str
    path: str
    message: str


@dataclass(slots=True)
class RecordedExchange:
    """One request the proxy relayed and what came back (``status`` ``None``: no answer)."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes
    tag: str | None = None
    status: int | None = None
    reason: str = ""
    response_headers: tuple[tuple[str, str], ...] = ()
    response_body: bytes = b""
    response_size: int = 0
    """Bytes of the whole body as received (``response_body`` keeps the first :data:`RECORDED_BODY_BYTES`)."""
    cut: str | None = field(default=None)
    """Why the proxy cut the answer, when it did."""

    @property
    def path(self) -> str:
        return httpx.URL(self.url).path

    def response_text(self) -> str:
        """The body as text, decompressed when the server compressed it (and it was kept whole)."""
        body = self.response_body
        encoding = {k.lower(): v for k, v in self.response_headers}.get("content-encoding", "").lower()
        if encoding in ("gzip", "deflate") and self.response_size <= RECORDED_BODY_BYTES:
            with contextlib.suppress(zlib.error):
                body = zlib.decompress(body, wbits=47)
        return body.decode("utf-8", errors="replace")


class _CutError(Exception):
    """The answer broke a limit: the client connection is cut."""


class GuardProxy:
    """``with GuardProxy(base_url, limits, breaker) as proxy:`` then send through ``proxy.url``."""

    def __init__(self, base_url: str, limits: Limits, breaker: Breaker | None = None, *, record: bool = False) -> None:
        target = httpx.URL(base_url)
        self._origin = f"{target.scheme}://{target.netloc.decode('ascii')}"
        self.limits = limits
        self.breaker = breaker or Breaker(limits)
        self.events: deque[GuardEvent] = deque(maxlen=_EVENTS_KEPT)
        self.record = record
        self.exchanges: list[RecordedExchange] = []
        """Every exchange relayed, in the order they finished (only with ``record``)."""
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="conformance-guard", daemon=True)
        self._server: asyncio.Server | None = None
        self._upstream: httpx.AsyncClient | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def __enter__(self) -> Self:
        self._thread.start()
        port = asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=30)
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=30)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
            self._loop.close()

    def explain(self, label: str) -> str | None:
        """Why the proxy last cut a request of operation ``label`` (``GET /v1/models/{model_id}``)."""
        method, _, template = label.partition(" ")
        pattern = re.compile(re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(template)) + "/?")
        for event in reversed(self.events):
            if event.method == method and pattern.fullmatch(event.path):
                return event.message
        return None

    async def _start(self) -> int:
        limits = self.limits
        self._upstream = httpx.AsyncClient(
            trust_env=False,
            follow_redirects=False,
            timeout=httpx.Timeout(limits.timeout_s, connect=limits.connect_s()),
        )
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        if self._upstream is not None:
            await self._upstream.aclose()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        connection = h11.Connection(h11.SERVER)
        try:
            while True:
                request = await self._read_request(connection, reader, writer.get_extra_info("socket"))
                if request is None:
                    break
                head, body = request
                if not await self._forward(connection, writer, head, body):
                    writer.transport.abort()
                    break
                if connection.our_state is h11.MUST_CLOSE or connection.their_state is h11.MUST_CLOSE:
                    break
                connection.start_next_cycle()
        except (h11.ProtocolError, OSError, asyncio.IncompleteReadError):
            writer.transport.abort()
        finally:
            self._writers.discard(writer)
            writer.close()

    @staticmethod
    async def _read_request(
        connection: h11.Connection, reader: asyncio.StreamReader, sock: socket.socket | None
    ) -> tuple[h11.Request, bytes] | None:
        head: h11.Request | None = None
        body = bytearray()
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                _ack_at_once(sock)
                connection.receive_data(await reader.read(65536))
            elif isinstance(event, h11.Request):
                head = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage) and head is not None:
                return head, bytes(body)
            elif isinstance(event, h11.ConnectionClosed):
                return None

    def _note(self, method: str, url: httpx.URL, message: str, recorded: RecordedExchange | None = None) -> None:
        self.events.append(GuardEvent(method=method, path=url.path, message=message))
        if recorded is not None:
            recorded.cut = message
            self._keep(recorded)

    async def _forward(self, connection: h11.Connection, writer: asyncio.StreamWriter, head: h11.Request,
                       body: bytes) -> bool:  # fmt: skip
        """Send ``head`` on to the target and its answer back; ``False`` when the connection must be cut."""
        assert self._upstream is not None
        method = head.method.decode("ascii", "replace")
        target = head.target.decode("latin-1")
        url = httpx.URL(target if target.startswith(("http://", "https://")) else self._origin + target)
        hung = self.breaker.hung
        if hung is not None:
            self._note(method, url, f"{method} {url.path} was not sent: {hung}")
            return False
        tags = [value for name, value in head.headers if name.lower() == TAG_HEADER.encode()]
        headers = [
            (name, value) for name, value in head.headers if name.lower() not in _HOP_BY_HOP | {TAG_HEADER.encode()}
        ]
        request = httpx.Request(method, url, headers=headers, content=body)
        recorded = None
        if self.record:
            recorded = RecordedExchange(
                method=method,
                url=str(url),
                request_headers=tuple((n.decode("latin-1"), v.decode("latin-1")) for n, v in headers),
                request_body=body[:RECORDED_BODY_BYTES],
                tag=tags[0].decode("latin-1") if tags else None,
            )
        deadline = self.limits.timeout_s
        started = asyncio.get_running_loop().time()
        try:
            async with asyncio.timeout(deadline) as scope:
                await self._relay(connection, writer, request, scope, recorded)
        except TimeoutError:
            self.breaker.missed()
            self._note(method, url, f"{method} {url.path}: no complete answer within the {deadline:g}s deadline "
                       "(--timeout)", recorded)  # fmt: skip
            return False
        except _CutError as cut:
            self._note(method, url, str(cut), recorded)
            return False
        except httpx.HTTPError as exc:
            self._note(method, url, f"{method} {url.path} failed: {type(exc).__name__}: {exc}", recorded)
            return False
        except OSError:  # the client went away: it stopped reading a stream, say
            self._keep(recorded)
            if asyncio.get_running_loop().time() - started >= deadline:
                self.breaker.missed()  # a stream still going past the deadline is no complete answer either
            return False
        self._keep(recorded)
        self.breaker.answered()
        return True

    def _keep(self, recorded: RecordedExchange | None) -> None:
        if recorded is not None:
            self.exchanges.append(recorded)

    async def _relay(
        self,
        connection: h11.Connection,
        writer: asyncio.StreamWriter,
        request: httpx.Request,
        scope: asyncio.Timeout,
        recorded: RecordedExchange | None = None,
    ) -> None:
        assert self._upstream is not None
        try:
            response = await self._upstream.send(request, stream=True)
        except _RETRYABLE:
            # A keep-alive connection the target closed (some close it after an error answer): like
            # requests, browsers and TargetClient, send once more on a fresh connection.
            response = await self._upstream.send(request, stream=True)
        kept = bytearray()
        try:
            is_stream = media_type(response.headers.get("content-type", "")) == "text/event-stream"
            limit = self.limits.max_stream_bytes if is_stream else self.limits.max_body_bytes
            if is_stream:
                # A stream has its own seconds after its headers; the client (Schemathesis reads a stream
                # for its request timeout in total) ends one that keeps going before this cuts it.
                scope.reschedule(asyncio.get_running_loop().time() + self.limits.timeout_s + _STREAM_GRACE_S)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                how = f"declares {int(declared)} bytes"
                raise _CutError(self._too_large(request, response.status_code, how, is_stream))
            headers = [(n, v) for n, v in response.headers.raw if n.lower() not in _HOP_BY_HOP]
            reason = response.reason_phrase.encode("latin-1", "replace") or b""
            if recorded is not None:
                recorded.status, recorded.reason = response.status_code, response.reason_phrase
                recorded.response_headers = tuple((n.decode("latin-1"), v.decode("latin-1")) for n, v in headers)
            writer.write(connection.send(h11.Response(status_code=response.status_code, headers=headers,
                                                      reason=reason)) or b"")  # fmt: skip
            size = 0
            async for chunk in response.aiter_raw():
                size += len(chunk)
                if recorded is not None:
                    kept += chunk[: max(0, RECORDED_BODY_BYTES - len(kept))]
                    recorded.response_size = size
                if size > limit:
                    raise _CutError(self._too_large(request, response.status_code, f"passed {limit} bytes", is_stream))
                writer.write(connection.send(h11.Data(data=chunk)) or b"")
                await writer.drain()
            writer.write(connection.send(h11.EndOfMessage()) or b"")
            await writer.drain()
        finally:
            if recorded is not None:
                recorded.response_body = bytes(kept)
            await response.aclose()

    def _too_large(self, request: httpx.Request, status: int, how: str, stream: bool) -> str:
        return self.limits.too_large(f"{request.method} {request.url.path}", status, how, stream=stream)
