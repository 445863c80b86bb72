"""One HTTP exchange as the harness saw it: the request, the answer, the text as received.

Every request the harness sends goes through :meth:`conformance.core.client.TargetClient.exchange`,
which returns one of these; scenarios record them by step name and checks judge them. (Formatting an
exchange for a report is :mod:`conformance.core.exchange`.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from conformance.core.sse import SSEStream

__all__ = ["Exchange", "SocketTurn"]


@dataclass
class SocketTurn:
    """One message sent over a WebSocket and the messages read in answer to it (``core/websocket.py``)."""

    sent: str
    messages: list[str] = field(default_factory=list)
    """Every message received for the turn, in order (a binary one decoded as UTF-8)."""
    binary: int = 0
    """How many of them came as binary frames."""
    closed: str | None = None
    """Why reading stopped early because the server closed the socket, if it did."""
    truncated: str | None = None
    """Which limit stopped the read, if any."""

    def json_messages(self) -> list[Any]:
        """Decoded payloads of every message; undecodable ones are skipped."""
        out = []
        for message in self.messages:
            try:
                out.append(json.loads(message))
            except ValueError:
                continue
        return out


@dataclass(frozen=True, kw_only=True)
class Exchange:
    """One request and what came back.

    ``response`` is ``None`` only for an exchange built by hand without an answer (checks then see no
    status); the client always sets it.
    """

    request: httpx.Request
    response: httpx.Response | None
    text: str = ""
    """The body exactly as received (the raw event text for a stream); empty without a response."""
    stream: SSEStream | None = None
    """What was read from a stream, for a request sent as one (empty when the answer was not a 200)."""
    socket: SocketTurn | None = None
    """What was read over a WebSocket, for a message sent on one (the request is then the upgrade)."""
    step: str = ""
    """The step's name in its scenario (``create``, ``stream``); empty outside a scenario."""

    @property
    def status(self) -> int | None:
        return self.response.status_code if self.response is not None else None

    @property
    def content_type(self) -> str:
        return self.response.headers.get("content-type", "") if self.response is not None else ""

    def json(self) -> Any:
        """The decoded body; raises ``ValueError`` when it is not JSON (a stream's text never is)."""
        return json.loads(self.text)

    def json_or_none(self) -> Any:
        """The decoded body, or ``None`` when it is not JSON (or is a stream)."""
        try:
            return self.json()
        except ValueError:
            return None

    def events(self) -> list[Any]:
        """Decoded payloads of a stream or of a WebSocket turn's messages (``[DONE]`` and undecodable
        events left out); empty for a plain answer."""
        if self.socket is not None:
            return self.socket.json_messages()
        return self.stream.json_events() if self.stream is not None else []
