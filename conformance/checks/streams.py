"""Judging a stream someone else read: the streaming suite's checks over events a user's test collected.

The streaming suite builds its contexts from exchanges it sent itself; :func:`stream_findings` builds
the same context from a stream a user's own test produced (an :class:`Exchange` from our client, the
raw ``text/event-stream`` text, or the decoded event payloads) and runs every check of that kind.
Checks that need more than the stream (the retrieved response after it, an HTTP status) say ``skip``
when they cannot tell, so nothing is claimed that the stream alone cannot show.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import httpx

from conformance.checks.context import (
    AgentTurnStreamContext,
    ChatStreamContext,
    PayloadValidator,
    ResponsesStreamContext,
    StreamContext,
)
from conformance.checks.evaluate import evaluate_all
from conformance.core.errors import HarnessError
from conformance.core.http_exchange import Exchange
from conformance.core.media_types import SSE_MEDIA_TYPE
from conformance.core.redact import Redactor
from conformance.core.results import Finding
from conformance.core.sse import SSEStream, read_sse

__all__ = ["STREAM_KINDS", "StreamKind", "stream_findings"]

StreamKind = Literal["responses", "chat", "agent"]

STREAM_KINDS: dict[str, tuple[str, str]] = {
    "responses": ("POST", "/v1/responses"),
    "chat": ("POST", "/v1/chat/completions"),
    "agent": ("POST", "/v1alpha/agents/{agent_id}/session/{session_id}/turn"),
}
"""Each kind of stream and the operation it answers (the findings' operation)."""

Events = Exchange | SSEStream | str | bytes | Sequence[Mapping[str, Any]]
"""A stream as a test has it: our client's exchange, the raw event text, or the decoded payloads."""


def _as_exchange(events: Events, method: str, path: str) -> Exchange:
    if isinstance(events, Exchange):
        return events
    if isinstance(events, SSEStream) and events.raw_cut:
        # Only the start of a long stream's text was kept: its events are judged as they were read.
        request = httpx.Request(method, f"http://stream.invalid{path}")
        response = httpx.Response(200, headers={"content-type": SSE_MEDIA_TYPE}, request=request)
        return Exchange(request=request, response=response, text=events.raw, stream=events)
    if isinstance(events, SSEStream):
        raw = events.raw.encode() if events.raw else _sse_text([e.data for e in events.events])
    elif isinstance(events, str | bytes):
        raw = events.encode() if isinstance(events, str) else events
    else:
        raw = _sse_text([json.dumps(dict(payload)) for payload in events])
    request = httpx.Request(method, f"http://stream.invalid{path}")
    response = httpx.Response(200, headers={"content-type": SSE_MEDIA_TYPE}, content=raw, request=request)
    stream = read_sse(response)
    return Exchange(request=request, response=response, text=stream.raw, stream=stream)


def _sse_text(payloads: list[str]) -> bytes:
    return "".join(f"data: {data}\n\n" for data in payloads).encode()


def stream_findings(
    events: Events,
    kind: StreamKind = "responses",
    *,
    validator: PayloadValidator | None = None,
    function_tool: bool = False,
    include_usage: bool = False,
    redactor: Redactor | None = None,
) -> list[Finding]:
    """Every finding the checks of ``kind`` make of ``events`` (empty when the stream conforms).

    ``validator`` checks each event against its schema (the spec's, for the schema rules);
    ``function_tool`` and ``include_usage`` say what the request asked for, so that the rules about
    a function call or a usage chunk apply."""
    if kind not in STREAM_KINDS:
        raise ValueError(f"unknown stream kind {kind!r} (known: {', '.join(STREAM_KINDS)})")
    method, path = STREAM_KINDS[kind]
    exchange = _as_exchange(events, method, path)
    stream = exchange.stream or SSEStream(content_type=exchange.content_type)
    context: StreamContext
    if kind == "responses":
        context = ResponsesStreamContext(
            exchange=exchange, stream=stream, validator=validator, function_tool=function_tool
        )
    elif kind == "chat":
        context = ChatStreamContext(exchange=exchange, stream=stream, validator=validator, include_usage=include_usage)
    else:
        context = AgentTurnStreamContext(exchange=exchange, stream=stream, validator=validator)
    outcomes = evaluate_all(context, operation=f"{method} {path}", redactor=redactor or Redactor())
    crashed = [outcome.error for outcome in outcomes if outcome.error is not None]
    if crashed:
        raise HarnessError(crashed[0])
    return [finding for outcome in outcomes for finding in outcome.findings]
