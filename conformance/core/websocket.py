"""A WebSocket to the server under test, held to the run's limits, each turn kept as an :class:`Exchange`.

Some servers serve ``/v1/responses`` over WebSocket as well as SSE (OpenAI's "WebSocket mode", which
OGX 1.5 serves): the client sends one JSON message per response (``{"type": "response.create", ...}``)
and the server answers with the same event objects as the SSE stream, one per text message, on a
socket that stays open for the next turn. :meth:`TargetClient.open_socket
<conformance.core.client.TargetClient.open_socket>` opens one; :meth:`Socket.turn` sends one message
and reads the messages that answer it until the caller's ``ends`` says the turn is over.

The limits are the run's (:class:`~conformance.core.limits.Limits`): the handshake has the connect
timeout and the request deadline, each message the body size limit, each turn the stream's event,
byte and time limits. A server that sends nothing within the deadline is a harness error (exit 3),
never a hang; one that keeps sending past the limits is cut (``truncated``) and judged like an SSE
stream that did not end. Either way the run's :class:`~conformance.core.limits.Breaker` counts it.

Each turn becomes an :class:`~conformance.core.http_exchange.Exchange` so that checks, evidence and
reports treat it like any other: its request is the upgrade ``GET`` carrying the sent message as its
body, its response the handshake's ``101`` carrying the received messages (one per line) as its
text, and :attr:`Exchange.socket <conformance.core.http_exchange.Exchange.socket>` what was read.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from conformance.core.errors import HarnessError
from conformance.core.http_exchange import Exchange, SocketTurn
from conformance.core.limits import Breaker, Limits
from conformance.core.sse import SSELimits

__all__ = [
    "Connector",
    "Socket",
    "SocketClosed",
    "SocketConnection",
    "SocketRefused",
    "socket_url",
    "websockets_connector",
]


class SocketClosed(Exception):  # noqa: N818 - a signal from a connection, caught by Socket
    """The server closed the socket (or it broke); ``code`` is the close code when one was sent."""

    def __init__(self, code: int | None, reason: str = "") -> None:
        super().__init__(f"code {code}" + (f": {reason}" if reason else "") if code is not None else reason)
        self.code = code
        self.reason = reason


class SocketRefused(Exception):  # noqa: N818 - an answer, caught by TargetClient.open_socket
    """The server answered the upgrade without switching protocols (it does not serve a WebSocket there)."""

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.headers = headers
        self.body = body


class SocketConnection(Protocol):
    """An open WebSocket, as a connector hands it over."""

    @property
    def handshake_headers(self) -> list[tuple[str, str]]:
        """The headers of the server's ``101`` answer."""
        ...

    def send(self, text: str) -> None: ...

    def recv(self, timeout: float) -> str | bytes:
        """The next message; ``TimeoutError`` after ``timeout`` seconds, :class:`SocketClosed` once closed."""
        ...

    def close(self) -> None: ...


Connector = Callable[[str, Mapping[str, str], Limits], SocketConnection]
"""Opens a socket to a ``ws://``/``wss://`` URL with headers, within the limits; raises
:class:`SocketRefused` when the upgrade is answered otherwise, ``TimeoutError`` or ``OSError`` when no
connection could be made."""


def socket_url(base_url: str, path: str) -> str:
    """``http://host:port`` + ``/v1/responses`` -> ``ws://host:port/v1/responses`` (``https`` -> ``wss``)."""
    url = httpx.URL(base_url.rstrip("/") + path)
    return str(url.copy_with(scheme="wss" if url.scheme == "https" else "ws"))


class _WebsocketsConnection:
    """A ``websockets`` synchronous client connection as a :class:`SocketConnection` (entered as the
    context manager the library asks for; :meth:`close` leaves it)."""

    def __init__(self, connecting: Any) -> None:
        self._exit = contextlib.ExitStack()
        self._connection = self._exit.enter_context(connecting)

    @property
    def handshake_headers(self) -> list[tuple[str, str]]:
        response = self._connection.response
        return list(response.headers.raw_items()) if response is not None else []

    def send(self, text: str) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            self._connection.send(text)
        except ConnectionClosed as exc:
            raise _closed(exc) from None

    def recv(self, timeout: float) -> str | bytes:
        from websockets.exceptions import ConnectionClosed

        try:
            message: str | bytes = self._connection.recv(timeout=timeout)
        except ConnectionClosed as exc:
            raise _closed(exc) from None
        return message

    def close(self) -> None:
        self._exit.close()


_MESSAGE_TOO_BIG = 1009


def _closed(exc: Any) -> SocketClosed:
    received, sent = exc.rcvd, exc.sent
    if sent is not None and sent.code == _MESSAGE_TOO_BIG:
        return SocketClosed(None, f"a message was larger than the body limit; we closed it ({sent.reason})")
    if received is None:
        return SocketClosed(None, "the connection was lost without a close frame")
    return SocketClosed(received.code, received.reason)


def websockets_connector(url: str, headers: Mapping[str, str], limits: Limits) -> SocketConnection:
    """The real :data:`Connector`: the ``websockets`` library's synchronous client."""
    from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI
    from websockets.sync.client import connect

    try:
        return _WebsocketsConnection(
            connect(
                url,
                additional_headers=dict(headers),
                open_timeout=limits.connect_s() + limits.timeout_s,
                close_timeout=limits.connect_s(),
                max_size=limits.max_body_bytes,
                compression=None,
                proxy=None,
            )
        )
    except InvalidStatus as exc:
        response = exc.response
        raise SocketRefused(response.status_code, list(response.headers.raw_items()), bytes(response.body)) from None
    except InvalidURI as exc:
        raise OSError(str(exc)) from None
    except InvalidHandshake as exc:
        raise OSError(f"the WebSocket handshake failed: {exc}") from None


@dataclass
class Socket:
    """One open socket to the server under test; close it (or use it as a context manager)."""

    connection: SocketConnection
    url: str
    headers: Mapping[str, str]
    limits: Limits
    breaker: Breaker
    turns: list[Exchange] = field(default_factory=list)
    closed: str | None = None
    """Why the socket is no longer usable (the server closed it during a turn), once it is not."""

    def __enter__(self) -> Socket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(OSError, TimeoutError, SocketClosed):
            self.connection.close()

    def _request(self, sent: str) -> httpx.Request:
        upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", **self.headers}
        return httpx.Request("GET", self.url, headers=upgrade, content=sent.encode())

    def turn(
        self, message: str, *, ends: Callable[[Any], bool], limits: SSELimits | None = None, step: str = ""
    ) -> Exchange:
        """Send ``message`` and read until a decoded message satisfies ``ends``, the socket closes or a
        limit is hit (``limits``, default the run's stream limits: the turn is read like a stream); a
        harness error when the deadline passes before the server sent anything."""
        hung = self.breaker.hung
        if hung is not None:
            raise HarnessError(f"{self.url}: {step or 'a message'} was not sent: {hung}")
        request = self._request(message)
        if self.closed is not None:
            raise HarnessError(f"{self.url}: {step or 'a message'} was not sent: {self.closed}")
        stream = limits or self.limits.stream()
        turn = SocketTurn(sent=message)
        at = time.monotonic() + self.limits.timeout_s + stream.max_seconds
        size = 0
        try:
            self.connection.send(message)
            while True:
                remaining = at - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                received = self.connection.recv(remaining)
                text = received if isinstance(received, str) else received.decode("utf-8", errors="replace")
                turn.messages.append(text)
                turn.binary += isinstance(received, bytes)
                size += len(text)
                if ends(_decoded(text)):
                    break
                if len(turn.messages) >= stream.max_events:
                    turn.truncated = f"more than {stream.max_events} messages"
                    break
                if size > stream.max_bytes:
                    turn.truncated = f"more than {stream.max_bytes} bytes"
                    break
        except TimeoutError:
            self.breaker.missed()
            if not turn.messages:
                raise HarnessError(
                    f"{self.url}: no answer to {step or 'a message'} within the "
                    f"{self.limits.timeout_s + stream.max_seconds:g}s deadline (--timeout)"
                ) from None
            turn.truncated = f"longer than {stream.max_seconds:g} seconds"
        except SocketClosed as exc:
            turn.closed = f"the server closed the socket ({exc})"
            self.closed = turn.closed
        except OSError as exc:
            raise HarnessError(f"{self.url}: the socket broke: {type(exc).__name__}: {exc}") from None
        else:
            self.breaker.answered()
        exchange = _exchange(request, self.connection.handshake_headers, turn, step)
        self.turns.append(exchange)
        return exchange


def _decoded(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _exchange(request: httpx.Request, headers: list[tuple[str, str]], turn: SocketTurn, step: str) -> Exchange:
    transcript = "\n".join(turn.messages)
    response = httpx.Response(101, headers=headers, content=transcript.encode(), request=request)
    return Exchange(request=request, response=response, text=transcript, socket=turn, step=step)
