"""Rules every streamed response follows, whatever the API: status, media type, framing, an end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from conformance.checks.context import EventSequence, StreamContext
from conformance.checks.registry import NotApplicable, check
from conformance.core.media_types import SSE_MEDIA_TYPE, media_type
from conformance.core.results import Severity
from conformance.core.server_message import describe_status

__all__ = ["content_type", "http_status", "json_data", "schema_problems", "stream_ends"]


@check(
    "sse-http-status",
    severity=Severity.MUST,
    kind="sse",
    title="A valid streaming request is answered 200",
    guarded=False,
)
def http_status(ctx: StreamContext) -> Iterator[str]:
    """A well-formed streaming request for a model the server lists must start a stream (HTTP 200).

    When this fails, every other rule about the stream is skipped for that request.
    """
    status = ctx.exchange.status
    if status != 200:
        answered = describe_status(status, ctx.exchange.text) if status is not None else "no answer"
        yield f"{answered} (expected HTTP 200 with an event stream)"


@check("sse-content-type", severity=Severity.MUST, kind="sse", title="Streams are served as text/event-stream")
def content_type(ctx: StreamContext) -> Iterator[str]:
    """The response's media type is ``text/event-stream``, so SSE clients and proxies treat it as one."""
    if media_type(ctx.exchange.content_type) != SSE_MEDIA_TYPE:
        yield f"expected content-type text/event-stream, got {ctx.exchange.content_type or '(none)'!r}"


@check("sse-json-data", severity=Severity.MUST, kind="sse", title="Every event's data is a JSON object")
def json_data(ctx: StreamContext) -> Iterator[str]:
    """Each event's ``data`` is one JSON object (the ``[DONE]`` sentinel excepted)."""
    for position, event in enumerate(ctx.stream.events):
        if event.is_done:
            continue
        try:
            payload = event.json()
        except ValueError:
            yield f"event {position} is not JSON: {event.data[:80]!r}"
            continue
        if not isinstance(payload, dict):
            yield f"event {position} is JSON but not an object: {event.data[:80]!r}"


@check("sse-stream-ends", severity=Severity.MUST, kind="sse", title="The stream ends within the read limits")
def stream_ends(ctx: StreamContext) -> Iterator[str]:
    """The server closes the stream after its last event instead of running past the suite's limits.

    The limits (events, bytes, seconds) are the suite's ``SSELimits``; rules about the last event are
    skipped for a stream that was cut off.
    """
    if ctx.stream.truncated:
        yield f"the stream did not end: reading stopped after {ctx.stream.truncated}"


def schema_problems(
    ctx: EventSequence, noun: str, describe: Callable[[dict[str, Any]], str] | None = None
) -> Iterator[str]:
    """Every payload of the stream validated by the context's schema: the ``*-schema`` checks of each
    stream kind share this. Not applicable without a schema."""
    if ctx.validator is None:
        raise NotApplicable(f"no {noun} schema was given")
    for position, payload in enumerate(ctx.objects()):
        label = f" ({describe(payload)})" if describe else ""
        for problem in ctx.validator(payload):
            yield f"{noun} {position}{label}: {problem}"
