"""Rules of a chat completions stream (``POST /v1/chat/completions`` with ``stream: true``).

OpenAI clients parse every chunk as a ``chat.completion.chunk``, merge chunks by ``id`` and stop reading
at ``data: [DONE]``; a stream that differs breaks them in ways a non-streaming test never sees.
"""

from __future__ import annotations

from collections.abc import Iterator

from conformance.checks.context import ChatStreamContext
from conformance.checks.registry import NotApplicable, check
from conformance.checks.sse import schema_problems
from conformance.core.results import Severity

_NONE = object()
"""What a stream without chunks has in place of a first id."""

__all__ = ["chunk_schema", "chunk_shape", "done_sentinel", "single_id", "usage_chunk"]

_KIND = "chat-stream"


@check("chat-stream-chunk-schema", severity=Severity.MUST, kind=_KIND, title="Chunks match the chunk schema")
def chunk_schema(ctx: ChatStreamContext) -> Iterator[str]:
    """Each chunk validates against the profile's ``chat.completion.chunk`` schema."""
    yield from schema_problems(ctx, "chunk")


@check(
    "chat-stream-chunk-shape",
    severity=Severity.MUST,
    kind=_KIND,
    title="Chunks are chat.completion.chunk objects with a choices list",
)
def chunk_shape(ctx: ChatStreamContext) -> Iterator[str]:
    """Without a schema, the structure clients rely on: ``object`` is ``chat.completion.chunk`` and
    ``choices`` is a list (empty in a usage-only chunk)."""
    chunks = ctx.objects()
    if not chunks:
        yield "the stream carried no JSON chunks"
    for position, chunk in enumerate(chunks):
        if chunk.get("object") != "chat.completion.chunk":
            yield f"chunk {position} has object {chunk.get('object')!r}, expected 'chat.completion.chunk'"
        if not isinstance(chunk.get("choices"), list):
            yield f"chunk {position} has no choices list (got {type(chunk.get('choices')).__name__})"


@check("chat-stream-single-id", severity=Severity.MUST, kind=_KIND, title="All chunks share one id")
def single_id(ctx: ChatStreamContext) -> Iterator[str]:
    """Every chunk of one completion carries the same ``id``; clients merge chunks by it."""
    ids = (chunk.get("id") for chunk in ctx.objects())  # one at a time: a stream may be long
    first = next(ids, _NONE)
    if first is _NONE:
        raise NotApplicable("the stream carried no JSON chunks")
    if first is None:
        yield "the first chunk has no id"
    for position, chunk_id in enumerate(ids, start=1):
        if chunk_id != first:
            yield f"chunk {position} has id {chunk_id!r}, the first chunk {first!r}"


@check("chat-stream-done-sentinel", severity=Severity.SHOULD, kind=_KIND, title="The stream ends with data: [DONE]")
def done_sentinel(ctx: ChatStreamContext) -> Iterator[str]:
    """The last event is ``data: [DONE]`` (OpenAI clients stop reading there) and nothing follows it."""
    if ctx.stream.truncated:
        raise NotApplicable("the stream was cut off (see sse-stream-ends)")
    events = ctx.stream.events
    if not events or not events[-1].is_done:
        yield "the stream ended without data: [DONE]"
    for position, event in enumerate(events[:-1]):
        if event.is_done:
            yield f"data: [DONE] at event {position} is followed by {len(events) - position - 1} more events"


@check(
    "chat-stream-usage-chunk",
    severity=Severity.MUST,
    kind="chat-stream-usage",
    title="include_usage produces a usage chunk",
)
def usage_chunk(ctx: ChatStreamContext) -> Iterator[str]:
    """With ``stream_options.include_usage``, a chunk carrying a ``usage`` object arrives before the end."""
    if ctx.stream.truncated:
        raise NotApplicable("the stream was cut off (see sse-stream-ends)")
    if not any(isinstance(chunk.get("usage"), dict) for chunk in ctx.objects()):
        yield "stream_options.include_usage was set but no chunk carried a usage object"
