"""The HTTP client every suite uses to talk to the server under test.

Two upstream behaviours shape it (see ``shared/upstream-servers.md``):

* after an error handled by the server's catch-all handler, the keep-alive connection is closed and
  the next pooled request can fail with a connection reset. The run must go on, so a request that
  fails on a reused connection is retried once on a fresh one; the reset is recorded
  (:attr:`TargetClient.resets`) so that the errors suite can report it as a finding of its own;
* a server that cannot be reached, or that gives no complete answer within the request's deadline,
  is a harness error (exit 3), never a finding and never a traceback.

Every request has a wall-clock deadline (connect, headers and the whole body) and every body a size
limit, read incrementally: :class:`~conformance.core.limits.Limits`. Requests in a row that miss
their deadline trip the run's :class:`~conformance.core.limits.Breaker`; after that none is sent.

Everything the harness sends (scenario steps, the check suites' requests, replayed interactions, setup
and clean-up requests) goes through one path, :meth:`TargetClient.exchange`: send a built request,
read the whole answer (a stream incrementally, within :class:`~conformance.core.sse.SSELimits`) and
return an :class:`~conformance.core.http_exchange.Exchange`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from conformance.core.deadline import deadline, deadline_passed, deadline_transport
from conformance.core.errors import HarnessError, UsageError
from conformance.core.http_exchange import Exchange
from conformance.core.limits import DEFAULT_LIMITS, Breaker, Limits
from conformance.core.redact import Redactor
from conformance.core.reproduce import client_redactor
from conformance.core.sse import SSELimits, SSEStream, read_sse
from conformance.core.websocket import Connector, Socket, SocketRefused, socket_url, websockets_connector

__all__ = [
    "ClientSettings",
    "ConnectionReset",
    "Exchange",
    "ResponseTooLargeError",
    "TargetClient",
    "check_api_key",
    "local_address",
    "parse_header",
    "validate_base_url",
]

_RETRYABLE = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
_LOCAL_ADDRESS = "conformance.local_address"
"""Response extension naming the client end of the connection a response came on."""


_USERINFO = re.compile(r"(?<=//)[^/@]*@")


def validate_base_url(base_url: str) -> str:
    """Normalise ``base_url`` (no trailing slash) or raise a one-line usage error.

    Credentials in the URL (``http://user:pass@host``) are refused without being echoed: they would
    be printed and written to every report, while ``--api-key`` and ``--header`` values are redacted.
    """
    url = base_url.strip().rstrip("/")
    shown = _USERINFO.sub("<redacted>@", base_url)
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise UsageError(
            f"--base-url {shown!r} is not a valid URL ({_USERINFO.sub('<redacted>@', str(exc))})"
        ) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise UsageError(f"--base-url {shown!r} must be an absolute http(s) URL such as http://127.0.0.1:8321")
    if parsed.userinfo:
        raise UsageError(
            f"--base-url {shown!r} carries credentials; pass them with --api-key or "
            "--header 'Authorization: Basic ...', which are redacted from every output"
        )
    return url


def _unsendable(value: str) -> str | None:
    """Why ``value`` cannot be an HTTP header value (``None`` when it can)."""
    if any(c in value for c in "\r\n") or any((ord(c) < 32 and c != "\t") or ord(c) == 127 for c in value):
        return "holds a line break or another control character"
    if not value.isascii():
        return "is not ASCII (HTTP header values are; percent-encode or base64 it)"
    return None


def parse_header(raw: str) -> tuple[str, str]:
    """``'Name: value'`` -> ``('Name', 'value')``; a usage error for anything else (the value is
    never echoed: it may be a secret)."""
    name, sep, value = raw.partition(":")
    name = name.strip()
    if not sep or not name or not _TOKEN.fullmatch(name):
        shown = name if name and _TOKEN.fullmatch(name) else "..."
        raise UsageError(f"--header '{shown}: ...' must look like 'Name: value' (a name of letters, digits and -)")
    problem = _unsendable(value.strip())
    if problem:
        raise UsageError(f"--header {name}: the value {problem}")
    return name, value.strip()


def check_api_key(api_key: str | None) -> str | None:
    """``--api-key`` as sent in ``Authorization: Bearer``; a usage error (never echoing it) when it cannot be."""
    if api_key is not None:
        problem = _unsendable(api_key)
        if problem:
            raise UsageError(f"--api-key: the key {problem}")
    return api_key


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""An HTTP header name (RFC 9110 token)."""


class ResponseTooLargeError(HarnessError):
    """An answer's body passed ``Limits.max_body_bytes``; it was not read further."""


@dataclass(frozen=True, slots=True)
class ConnectionReset:
    """A request that failed on a reused connection and was sent again on a fresh one."""

    method: str
    url: str
    error: str
    """``RemoteProtocolError: Server disconnected without sending a response.``"""


def local_address(response: httpx.Response) -> str | None:
    """``host:port`` of the client end of the connection ``response`` came on; ``None`` when the
    transport does not tell (in-memory transports without a network stream)."""
    value = response.extensions.get(_LOCAL_ADDRESS)
    return value if isinstance(value, str) else None


def _note_local_address(response: httpx.Response) -> None:
    """Response hook: read the socket's address while the connection is surely open (before the
    body is read and a ``Connection: close`` answer closes it)."""
    stream = response.extensions.get("network_stream")
    try:
        address = stream.get_extra_info("client_addr") if stream is not None else None
    except OSError:
        address = None
    if isinstance(address, tuple) and len(address) >= 2:
        response.extensions[_LOCAL_ADDRESS] = f"{address[0]}:{address[1]}"


@dataclass(frozen=True)
class ClientSettings:
    base_url: str
    api_key: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    limits: Limits = DEFAULT_LIMITS

    def all_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.api_key:
            headers.setdefault("Authorization", f"Bearer {self.api_key}")
        return headers

    def redactor(self) -> Redactor:
        return client_redactor(self.base_url, self.api_key, self.headers)


class TargetClient:
    """A thin httpx wrapper bound to one server: auth, limits, retry-once and error mapping."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        breaker: Breaker | None = None,
        connector: Connector | None = None,
    ) -> None:
        self.settings = settings
        self.limits = settings.limits
        self.redactor = settings.redactor()
        self.breaker = breaker or Breaker(settings.limits)
        """Shared with every other client of the run (the guard proxy in front of Schemathesis)."""
        self.resets: list[ConnectionReset] = []
        """Every request that was reset on a reused connection and retried, in order."""
        self._connector = connector or websockets_connector
        """Opens WebSockets (``open_socket``): the ``websockets`` client, or a fake's in-memory one."""
        limits = settings.limits
        self._http = httpx.Client(
            base_url=settings.base_url,
            headers=settings.all_headers(),
            timeout=httpx.Timeout(limits.timeout_s, connect=limits.connect_s()),
            transport=transport or deadline_transport(),
            event_hooks={"response": [_note_local_address]},
        )

    def __enter__(self) -> TargetClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def http(self) -> httpx.Client:
        return self._http

    def build(self, method: str, path: str, **kwargs: Any) -> httpx.Request:
        return self._http.build_request(method, path, **kwargs)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Build a request, send it and read the whole response (through :meth:`exchange`)."""
        response = self.exchange(self.build(method, path, **kwargs)).response
        assert response is not None  # the client always gets an answer or raises
        return response

    def exchange(
        self, request: httpx.Request, *, stream: bool = False, limits: SSELimits | None = None, step: str = ""
    ) -> Exchange:
        """Send ``request`` and read the whole answer: the one way the harness talks to the server.

        The whole exchange (connect, headers, body) ends within the deadline (``Limits.timeout_s``),
        and a body larger than ``Limits.max_body_bytes`` is a :class:`ResponseTooLargeError` error. With
        ``stream=True`` a 200 answer is read event by event within ``limits`` (default: the run's
        stream limits) and any other answer is read whole with an empty stream; a connection that
        breaks mid-stream is a harness error. ``step`` names the exchange in its scenario.
        """
        hung = self.breaker.hung
        if hung is not None:
            raise HarnessError(f"{request.method} {request.url} was not sent: {hung}")
        stream_limits = limits or self.limits.stream()
        # A stream has the deadline for its headers, then its own seconds (read_sse stops a stream still
        # going then, which the streaming checks judge: "the stream did not end"); a stalled one is cut.
        seconds = self.limits.timeout_s + (stream_limits.max_seconds if stream else 0)
        with deadline(seconds) as at:
            try:
                exchange = self._exchange(request, stream=stream, limits=stream_limits, step=step)
            except HarnessError:
                if deadline_passed(at):
                    self.breaker.missed()
                raise
        if exchange.stream is not None and exchange.stream.out_of_time:
            # Judged ("the stream did not end"), and yet no complete answer in time: a server whose every
            # stream goes on is deemed hung like one that does not answer.
            self.breaker.missed()
        else:
            self.breaker.answered()
        return exchange

    def open_socket(self, path: str, *, step: str = "") -> Socket | Exchange:
        """Open a WebSocket to ``path`` with the client's headers, within the limits.

        Returns the open :class:`~conformance.core.websocket.Socket`, or, when the server answered the
        upgrade without switching protocols (it serves no WebSocket there), that answer as an exchange.
        No connection within the deadline is a harness error."""
        hung = self.breaker.hung
        url = socket_url(self.settings.base_url, path)
        if hung is not None:
            raise HarnessError(f"{url} was not opened: {hung}")
        headers = self.settings.all_headers()
        try:
            connection = self._connector(url, headers, self.limits)
        except SocketRefused as refused:
            self.breaker.answered()
            request = httpx.Request("GET", url, headers={"Connection": "Upgrade", "Upgrade": "websocket", **headers})
            body = refused.body[: self.limits.max_body_bytes]
            response = httpx.Response(refused.status, headers=refused.headers, content=body, request=request)
            return Exchange(request=request, response=response, text=response.text, step=step)
        except TimeoutError:
            self.breaker.missed()
            raise HarnessError(
                f"{url}: the WebSocket handshake did not complete within the {self.limits.timeout_s:g}s deadline "
                "(--timeout)"
            ) from None
        except OSError as exc:
            raise HarnessError(f"cannot open a WebSocket to {url}: {type(exc).__name__}: {exc}") from None
        self.breaker.answered()
        return Socket(connection, url, headers, self.limits, self.breaker)

    def _exchange(self, request: httpx.Request, *, stream: bool, limits: SSELimits, step: str) -> Exchange:
        response = self.send(request, stream=True)
        try:
            if stream and response.status_code == 200:
                events = read_sse(response, limits)
                return Exchange(request=request, response=response, text=events.raw, stream=events, step=step)
            self._read_body(request, response)
        except httpx.TimeoutException:
            raise HarnessError(self._late(request, "the body")) from None
        except httpx.HTTPError as exc:
            what = "the stream broke" if stream else "the body could not be read"
            raise HarnessError(f"{request.method} {request.url}: {what}: {type(exc).__name__}: {exc}") from None
        finally:
            response.close()
        if stream:
            events = SSEStream(content_type=response.headers.get("content-type", ""))
            return Exchange(request=request, response=response, text=response.text, stream=events, step=step)
        return Exchange(request=request, response=response, text=response.text, step=step)

    def _read_body(self, request: httpx.Request, response: httpx.Response) -> None:
        """Read the (decoded) body into ``response`` within ``Limits.max_body_bytes``."""
        limit = self.limits.max_body_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ResponseTooLargeError(self._too_large(request, response, f"declares {int(declared)} bytes"))
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise ResponseTooLargeError(self._too_large(request, response, f"passed {limit} bytes"))
            chunks.append(chunk)
        # What ``Response.read()`` does, within the limit: later ``.text``/``.json()`` read this.
        response._content = b"".join(chunks)

    def _too_large(self, request: httpx.Request, response: httpx.Response, how: str) -> str:
        return self.limits.too_large(f"{request.method} {request.url}", response.status_code, how)

    def _late(self, request: httpx.Request, what: str) -> str:
        return (
            f"{request.method} {request.url}: {what} did not arrive within the {self.limits.timeout_s:g}s deadline "
            "(--timeout)"
        )

    def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        """Send ``request`` with the retry-once and error mapping; the body is left unread with ``stream``.

        Callers use :meth:`exchange`, which reads the answer within the limits."""
        try:
            return self._send_with_retry(request, stream=stream)
        except httpx.ConnectTimeout:
            raise HarnessError(
                f"cannot connect to {self.settings.base_url}: no connection within {self.limits.connect_s():g}s"
            ) from None
        except httpx.TimeoutException:
            raise HarnessError(self._late(request, "the answer")) from None
        except httpx.ConnectError as exc:
            raise HarnessError(f"cannot connect to {self.settings.base_url}: {exc}") from None
        except httpx.HTTPError as exc:
            raise HarnessError(f"{request.method} {request.url} failed: {type(exc).__name__}: {exc}") from None

    def _send_with_retry(self, request: httpx.Request, *, stream: bool) -> httpx.Response:
        try:
            return self._http.send(request, stream=stream)
        except _RETRYABLE as exc:
            # A reset on a pooled keep-alive connection: retry once on a fresh connection.
            # httpx drops the broken connection from its pool, so this send opens a new one.
            self.resets.append(ConnectionReset(request.method, str(request.url), f"{type(exc).__name__}: {exc}"))
            return self._http.send(request, stream=stream)
