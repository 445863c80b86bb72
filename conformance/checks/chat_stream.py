"""Rules of a chat completions stream (``POST /v1/chat/completions`` with ``stream: true``).

OpenAI clients parse every chunk as a ``chat.completion.chunk``, merge chunks by ``id`` and stop reading
at ``data: [DONE]``; a stream that differs breaks them in ways a non-streaming test never sees.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from conformance.checks.context import ChatStreamContext, jsonschema_validator
from conformance.checks.registry import NotApplicable, check
from conformance.checks.sse import schema_problems
from conformance.core.exchange import cut_text
from conformance.core.results import Severity

_NONE = object()
"""What a stream without chunks has in place of a first id."""

__all__ = [
    "choices_terminated",
    "chunk_schema",
    "chunk_shape",
    "done_sentinel",
    "logprobs_shape",
    "single_id",
    "tool_call_arguments",
    "tool_call_header",
    "tool_call_index",
    "usage_chunk",
    "usage_last",
]

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


# ------------------------------------------------------------------ tool calls, choices, usage, logprobs


def _obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _tool_call_entries(ctx: ChatStreamContext) -> Iterator[tuple[int, Any, dict[str, Any]]]:
    """``(chunk position, choice index, tool_calls entry)`` for every streamed tool-call delta."""
    for position, chunk in enumerate(ctx.objects()):
        for choice in chunk.get("choices") or ():
            if not isinstance(choice, dict):
                continue
            delta = choice.get("delta")
            entries = delta.get("tool_calls") if isinstance(delta, dict) else None
            for entry in entries if isinstance(entries, list) else ():
                if isinstance(entry, dict):
                    yield position, choice.get("index"), entry


def _call_index(entry: dict[str, Any]) -> int | None:
    index = entry.get("index")
    return index if isinstance(index, int) and not isinstance(index, bool) else None


def _announced(ctx: ChatStreamContext) -> set[tuple[Any, int]]:
    """The (choice, index) slots some entry gave a call id: the calls the stream started."""
    return {
        (choice, index)
        for _, choice, entry in _tool_call_entries(ctx)
        if (index := _call_index(entry)) is not None and isinstance(entry.get("id"), str) and entry["id"]
    }


def _no_calls(ctx: ChatStreamContext) -> None:
    if next(_tool_call_entries(ctx), None) is None:
        raise NotApplicable("the stream carried no tool call (the model answered with text)")


@check(
    "chat-stream-tool-call-index",
    severity=Severity.MUST,
    kind="chat-stream-tool-calls",
    title="Every tool-call delta has a stable integer index",
)
def tool_call_index(ctx: ChatStreamContext) -> Iterator[str]:
    """Every ``delta.tool_calls`` entry carries an integer ``index``, the call's position, and keeps
    it: an entry's index belongs to a call an earlier (or the same) entry started with an ``id``, a
    call id never moves to another index and an index never gets a second call. Clients assemble the
    calls by index. Source: SDK requirement (openai-python's stream accumulator raises without an
    integer index, openai-node's helper throws "invalid tool call index"); OpenAI convention."""
    _no_calls(ctx)
    owner: dict[tuple[Any, int], str] = {}
    slot_of: dict[str, tuple[Any, int]] = {}
    for position, choice, entry in _tool_call_entries(ctx):
        index = _call_index(entry)
        if index is None:
            got = entry.get("index")
            yield f"chunk {position}: a tool_calls entry of choice {choice} has no integer index (got {got!r})"
            continue
        slot = (choice, index)
        call_id = entry.get("id")
        if isinstance(call_id, str) and call_id:
            if call_id in slot_of and slot_of[call_id] != slot:
                yield f"chunk {position}: tool call {call_id!r} moved from index {slot_of[call_id][1]} to {index}"
            elif slot in owner and owner[slot] != call_id:
                held = owner[slot]
                yield f"chunk {position}: index {index} of choice {choice} already holds call {held!r}, now {call_id!r}"
            slot_of.setdefault(call_id, slot)
            owner.setdefault(slot, call_id)
        elif slot not in owner:
            yield f"chunk {position}: the tool_calls entry at index {index} of choice {choice} belongs to no call"


_HEADER_FIELDS = ("id", "type", "function.name")


def _header_fields(entry: dict[str, Any]) -> dict[str, tuple[bool, Any]]:
    """``field -> (present, value)`` of a call's header fields in one entry."""
    function = _obj(entry.get("function"))
    return {
        "id": ("id" in entry, entry.get("id")),
        "type": ("type" in entry, entry.get("type")),
        "function.name": ("name" in function, function.get("name")),
    }


@check(
    "chat-stream-tool-call-header",
    severity=Severity.MUST,
    kind="chat-stream-tool-calls",
    title="A tool call's id, type and name come once, on its first chunk, never as null",
)
def tool_call_header(ctx: ChatStreamContext) -> Iterator[str]:
    """The first chunk of each call carries its ``id``, ``type: "function"`` and ``function.name``;
    the call's later chunks leave them out, and none of them is ever sent as ``null``. Source: SDK
    requirement (openai-python's accumulator concatenates every string a later delta repeats, so a
    repeated id or name is doubled, and its stream helper asserts ``type == "function"`` on a null
    type); OpenAI convention."""
    _no_calls(ctx)
    started = _announced(ctx)
    seen: set[tuple[Any, int]] = set()
    for position, choice, entry in _tool_call_entries(ctx):
        index = _call_index(entry)
        if index is None or (choice, index) not in started:
            continue  # chat-stream-tool-call-index judges entries that belong to no call
        call = f"tool call {index} of choice {choice}"
        fields = _header_fields(entry)
        nulls = [name for name, (present, value) in fields.items() if present and value is None]
        if nulls:
            yield f"chunk {position}: {call} sends {', '.join(nulls)} as null"
        if (choice, index) not in seen:
            seen.add((choice, index))
            missing = [name for name, (_, value) in fields.items() if not (isinstance(value, str) and value)]
            if missing:
                yield f"chunk {position}: the first chunk of {call} lacks {', '.join(missing)}"
            elif fields["type"][1] != "function":
                yield f"chunk {position}: {call} has type {fields['type'][1]!r}, expected 'function'"
            continue
        repeated = [name for name, (present, value) in fields.items() if present and value is not None]
        if repeated:
            yield f"chunk {position}: {call} repeats {', '.join(repeated)} after its first chunk"


@check(
    "chat-stream-tool-call-arguments",
    severity=Severity.MUST,
    kind="chat-stream-tool-calls",
    title="A streamed call's arguments add up to JSON matching the tool's parameters",
)
def tool_call_arguments(ctx: ChatStreamContext) -> Iterator[str]:
    """The ``function.arguments`` pieces of each call, concatenated, are a JSON value valid against
    the offered tool's ``parameters`` schema, and the call names an offered tool. Source: OpenAI
    convention (arguments are the JSON of the function's parameters; applications ``json.loads``
    them)."""
    _no_calls(ctx)
    offered: dict[str, Any] = {}
    for tool in ctx.tools:
        function = _obj(tool.get("function"))
        if isinstance(function.get("name"), str):
            offered[function["name"]] = function.get("parameters") or {"type": "object"}
    calls: dict[tuple[Any, int], dict[str, str]] = {}
    for _, choice, entry in _tool_call_entries(ctx):
        index = _call_index(entry)
        if index is None:
            continue
        call = calls.setdefault((choice, index), {"name": "", "arguments": ""})
        function = _obj(entry.get("function"))
        if isinstance(function.get("name"), str) and not call["name"]:
            call["name"] = function["name"]
        if isinstance(function.get("arguments"), str):
            call["arguments"] += function["arguments"]
    for (choice, index), call in calls.items():
        label = f"tool call {index} of choice {choice}"
        if call["name"] not in offered:
            yield f"{label} calls {call['name']!r}, which the request did not offer"
            continue
        try:
            value = json.loads(call["arguments"])
        except ValueError:
            yield f"{label} ({call['name']}): the arguments {cut_text(call['arguments'], 200)!r} are not valid JSON"
            continue
        for problem in jsonschema_validator(offered[call["name"]])(value):
            yield f"{label} ({call['name']}): the arguments do not match its parameters: {problem}"


@check(
    "chat-stream-choices-terminated",
    severity=Severity.MUST,
    kind="chat-stream-choices",
    title="With n > 1, every choice is streamed by its index and finished once",
)
def choices_terminated(ctx: ChatStreamContext) -> Iterator[str]:
    """Asked for ``n`` choices, the stream carries choices with index ``0`` to ``n - 1``, each gets
    exactly one chunk with a non-null ``finish_reason``, and nothing more of a choice follows it.
    Source: OpenAI convention (clients assemble choices by ``index`` and treat ``finish_reason`` as
    the end of that choice)."""
    finished: dict[Any, int] = {}
    seen: set[Any] = set()
    for position, chunk in enumerate(ctx.objects()):
        for choice in chunk.get("choices") or ():
            if not isinstance(choice, dict):
                continue
            index = choice.get("index")
            seen.add(index)
            delta = _obj(choice.get("delta"))
            if index in finished:
                if choice.get("finish_reason") is not None or delta.get("content") or delta.get("tool_calls"):
                    yield f"chunk {position}: choice {index} goes on after its finish_reason (chunk {finished[index]})"
            elif choice.get("finish_reason") is not None:
                finished[index] = position
    wanted = range(ctx.choices)
    for index in wanted:
        if index not in seen:
            yield f"choice {index} never appears (the request asked for n={ctx.choices})"
        elif index not in finished:
            yield f"choice {index} never gets a finish_reason"
    for index in sorted(seen - set(wanted), key=str):
        yield f"choice index {index!r} is outside 0..{ctx.choices - 1} (n={ctx.choices})"


@check(
    "chat-stream-usage-last",
    severity=Severity.MUST,
    kind="chat-stream-usage",
    title="include_usage: exactly one usage chunk, the last, with empty choices",
)
def usage_last(ctx: ChatStreamContext) -> Iterator[str]:
    """With ``stream_options.include_usage``, exactly one chunk carries a non-null ``usage``: the last
    chunk before ``[DONE]``, whose ``choices`` is an empty list; every other chunk's ``usage`` is
    null or absent. Source: OpenAI convention (the documented shape of ``include_usage``; clients
    read the usage from that one chunk)."""
    if ctx.stream.truncated:
        raise NotApplicable("the stream was cut off (see sse-stream-ends)")
    chunks = ctx.objects()
    carrying = [position for position, chunk in enumerate(chunks) if chunk.get("usage") is not None]
    if not carrying:
        raise NotApplicable("no chunk carried usage (see chat-stream-usage-chunk)")
    if len(carrying) > 1:
        yield f"{len(carrying)} chunks carry usage (chunks {', '.join(map(str, carrying))}); exactly one must"
    last = carrying[-1]
    if last != len(chunks) - 1:
        yield f"the usage chunk {last} is followed by {len(chunks) - 1 - last} more chunks; it must be the last"
    if chunks[last].get("choices") != []:
        shown = cut_text(json.dumps(chunks[last].get("choices")), 200)
        yield f"the usage chunk {last} has choices {shown}, expected []"


def _logprob_problems(entry: Any, where: str, top: int | None) -> Iterator[str]:
    if not isinstance(entry, dict):
        yield f"{where} is not an object"
        return
    if not isinstance(entry.get("token"), str):
        yield f"{where} has no token string"
    logprob = entry.get("logprob")
    if isinstance(logprob, bool) or not isinstance(logprob, int | float) or logprob > 0:
        yield f"{where} has logprob {logprob!r}, expected a number <= 0"
    if entry.get("bytes") is not None and not (
        isinstance(entry["bytes"], list) and all(isinstance(b, int) for b in entry["bytes"])
    ):
        yield f"{where} has bytes {entry['bytes']!r}, expected a list of integers or null"
    if top is not None:
        alternatives = entry.get("top_logprobs")
        if not isinstance(alternatives, list):
            yield f"{where} has no top_logprobs list"
        elif len(alternatives) > top:
            yield f"{where} has {len(alternatives)} top_logprobs, the request asked for {top}"
        else:
            for n, alternative in enumerate(alternatives):
                yield from _logprob_problems(alternative, f"{where} top_logprobs[{n}]", None)


@check(
    "chat-stream-logprobs-shape",
    severity=Severity.MUST,
    kind="chat-stream-logprobs",
    title="Streamed logprobs, where supported, are well-formed",
)
def logprobs_shape(ctx: ChatStreamContext) -> Iterator[str]:
    """Asked for ``logprobs`` (a server that returns none is not judged: skipped), every chunk with
    content carries ``logprobs.content``: entries with a ``token`` string, a ``logprob`` <= 0,
    ``bytes`` (integers or null) and at most ``top_logprobs`` alternatives of the same shape.
    Source: OpenAI convention; SDK requirement (openai's ``ChoiceLogprobs`` model)."""
    chunks = ctx.objects()
    choices = [
        (position, choice)
        for position, chunk in enumerate(chunks)
        for choice in chunk.get("choices") or ()
        if isinstance(choice, dict)
    ]
    if not any(choice.get("logprobs") is not None for _, choice in choices):
        raise NotApplicable("the server returned no logprobs (not supported)")
    for position, choice in choices:
        delta = _obj(choice.get("delta"))
        if not delta.get("content"):
            continue
        logprobs = choice.get("logprobs")
        content = logprobs.get("content") if isinstance(logprobs, dict) else None
        if not isinstance(content, list) or not content:
            yield f"chunk {position}: choice {choice.get('index')} has content but no logprobs.content entries"
            continue
        for n, entry in enumerate(content):
            yield from _logprob_problems(entry, f"chunk {position}: logprobs.content[{n}]", ctx.top_logprobs)
