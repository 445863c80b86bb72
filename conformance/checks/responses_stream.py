"""Rules of a Responses event stream (``POST /v1/responses`` with ``stream: true``, or a
``response.create`` turn over a WebSocket on ``/v1/responses``).

The stream is the only place a client sees a response being built, so its lifecycle, ordering and
bookkeeping fields must add up: clients rebuild the final object from the events and must get the
object the server reports at the end and stores for ``GET /v1/responses/{id}``.

The rules read decoded events (:class:`~conformance.checks.context.ResponsesEvents`), not SSE frames:
the same functions judge an SSE stream (``ResponsesStreamContext``) and the messages of a WebSocket
turn (``ResponsesSocketContext``); what differs between the transports has rules of its own
(``sse.py``, ``responses_socket.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from conformance.checks.compare import mismatch_with_stored
from conformance.checks.context import ResponsesEvents
from conformance.checks.registry import NotApplicable, Violation, check
from conformance.checks.sse import schema_problems
from conformance.core.results import Severity

__all__ = ["RETRIEVE_IGNORED_FIELDS", "TERMINAL_EVENTS"]

TERMINAL_EVENTS = ("response.completed", "response.failed", "response.incomplete")

RETRIEVE_IGNORED_FIELDS = frozenset({"input"})
"""Top-level fields the stored response may carry and the streamed one does not: some servers echo the
request's ``input`` when a response is read back. Null and absent fields are also treated as equal."""

_KIND = "responses-stream"


def _obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (checks read fields without crashing)."""
    return value if isinstance(value, dict) else {}


def _type(event: dict[str, Any]) -> str:
    return str(event.get("type"))


def _final_response(events: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    for event in reversed(events):
        if _type(event) in TERMINAL_EVENTS and isinstance(event.get("response"), dict):
            return dict(event["response"])
    return None


def _final_items(events: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The final response's output items by id."""
    final = _final_response(events) or {}
    output = final.get("output")
    items = output if isinstance(output, list) else []
    return {str(item.get("id")): item for item in items if isinstance(item, dict)}


@check("responses-stream-event-schema", severity=Severity.MUST, kind=_KIND, title="Events match their schemas")
def event_schema(ctx: ResponsesEvents) -> Iterator[str]:
    """Each event validates against the schema of its ``type`` in the profile's spec."""
    yield from schema_problems(ctx, "event", _type)


@check("responses-stream-first-event", severity=Severity.MUST, kind=_KIND, title="The first event is response.created")
def first_event(ctx: ResponsesEvents) -> Iterator[str]:
    """The stream opens with ``response.created`` carrying the new response (and its id)."""
    events = ctx.objects()
    if not events:
        yield "the stream carried no JSON events"
    elif _type(events[0]) != "response.created":
        yield f"expected the first event to be response.created, got {_type(events[0])}"


@check(
    "responses-stream-terminal-event",
    severity=Severity.MUST,
    kind=_KIND,
    title="The last event is completed, failed or incomplete",
)
def terminal_event(ctx: ResponsesEvents) -> Iterator[str]:
    """The stream ends with exactly one of ``response.completed``, ``response.failed`` or
    ``response.incomplete``, and nothing follows it."""
    if (cut_off := ctx.cut_off()) is not None:
        raise NotApplicable(cut_off)
    events = ctx.objects()
    if not events:
        yield "the stream carried no JSON events"
        return
    if _type(events[-1]) not in TERMINAL_EVENTS:
        yield f"expected the last event to be one of {', '.join(TERMINAL_EVENTS)}, got {_type(events[-1])}"
    for position, event in enumerate(events[:-1]):
        if _type(event) in TERMINAL_EVENTS:
            yield f"{_type(event)} at event {position} is followed by {len(events) - position - 1} more events"


@check(
    "responses-stream-sequence-number",
    severity=Severity.MUST,
    kind=_KIND,
    title="sequence_number is present and strictly increasing",
)
def sequence_number(ctx: ResponsesEvents) -> Iterator[str]:
    """Every event carries an integer ``sequence_number`` greater than the previous event's, so a
    client can order events and detect gaps."""
    previous: int | None = None
    for position, event in enumerate(ctx.objects()):
        number = event.get("sequence_number")
        if not isinstance(number, int) or isinstance(number, bool):
            yield f"event {position} ({_type(event)}) has no integer sequence_number (got {number!r})"
            continue
        if previous is not None and number <= previous:
            yield f"event {position} ({_type(event)}) has sequence_number {number} after {previous}"
        previous = number


@check(
    "responses-stream-output-indexes",
    severity=Severity.MUST,
    kind=_KIND,
    title="output_index and content_index are consistent",
)
def output_indexes(ctx: ResponsesEvents) -> Iterator[str]:
    """Each ``output_item.added`` opens a new ``output_index``; every later event naming an
    ``output_index`` refers to an opened one with the same ``item_id``; an event's ``content_index``
    refers to a part opened by ``content_part.added`` (when the item announces parts); and the final
    response has the streamed item at each streamed ``output_index``."""
    events = ctx.objects()
    added: dict[Any, Any] = {}
    parts: dict[Any, set[Any]] = defaultdict(set)
    for position, event in enumerate(events):
        kind, index = _type(event), event.get("output_index")
        if kind == "response.output_item.added":
            item = _obj(event.get("item"))
            if index in added:
                yield f"output_item.added at event {position} reuses output_index {index}"
            added[index] = item.get("id")
            continue
        if index is None or kind == "response.output_item.done":
            continue
        if index not in added:
            yield f"{kind} at event {position} names output_index {index} before any output_item.added for it"
            continue
        if "item_id" in event and event["item_id"] != added[index]:
            yield f"{kind} at event {position} has item_id {event['item_id']!r} at output_index {index}, " + (
                f"where output_item.added opened {added[index]!r}"
            )
        content_index = event.get("content_index")
        if kind == "response.content_part.added":
            parts[index].add(content_index)
        elif content_index is not None and parts[index] and content_index not in parts[index]:
            yield f"{kind} at event {position} names content_index {content_index} of output_index {index}, " + (
                "which no content_part.added opened"
            )
    final = _final_response(events)
    output = final.get("output") if final else None
    if isinstance(output, list):
        for index, item_id in sorted((i, v) for i, v in added.items() if isinstance(i, int)):
            found = output[index].get("id") if 0 <= index < len(output) and isinstance(output[index], dict) else None
            if found != item_id:
                yield f"the final response has {found!r} at output[{index}], but the stream added {item_id!r} there"


@check(
    "responses-stream-item-ids",
    severity=Severity.MUST,
    kind=_KIND,
    title="output_item.added and .done carry the same item id",
)
def item_ids(ctx: ResponsesEvents) -> Iterator[str]:
    """For each ``output_index``, ``output_item.done`` carries the item ``output_item.added`` opened
    (same id); a completed response closes every item it opened."""
    events = ctx.objects()
    opened: dict[Any, Any] = {}
    closed: set[Any] = set()
    for position, event in enumerate(events):
        item = _obj(event.get("item"))
        index = event.get("output_index")
        if _type(event) == "response.output_item.added":
            opened[index] = item.get("id")
        elif _type(event) == "response.output_item.done":
            closed.add(index)
            if index not in opened:
                yield f"output_item.done at event {position} closes output_index {index}, which was never added"
            elif item.get("id") != opened[index]:
                yield f"output_item.done at event {position} carries item id {item.get('id')!r}, " + (
                    f"but output_item.added at output_index {index} carried {opened[index]!r}"
                )
    if events and _type(events[-1]) == "response.completed":
        for index in sorted(set(opened) - closed, key=str):
            yield f"the response completed without output_item.done for output_index {index} ({opened[index]!r})"


def _text_parts(events: Sequence[dict[str, Any]]) -> dict[tuple[Any, Any], str]:
    deltas: dict[tuple[Any, Any], str] = {}
    for event in events:
        if _type(event) == "response.output_text.delta":
            key = (event.get("item_id"), event.get("content_index"))
            deltas[key] = deltas.get(key, "") + str(event.get("delta", ""))
    return deltas


@check(
    "responses-stream-text-deltas",
    severity=Severity.MUST,
    kind=_KIND,
    title="Text deltas add up to the final text",
)
def text_deltas(ctx: ResponsesEvents) -> Iterator[str]:
    """For each text part, the concatenated ``output_text.delta`` events equal the text of its
    ``output_text.done`` and ``content_part.done`` events (when sent) and of the final response."""
    events = ctx.objects()
    deltas = _text_parts(events)
    if not deltas:
        raise NotApplicable("the stream carried no output_text.delta events")
    for event in events:
        key = (event.get("item_id"), event.get("content_index"))
        if _type(event) == "response.output_text.done" and event.get("text") != deltas.get(key, ""):
            yield f"output_text.done for {key[0]!r} part {key[1]} says {event.get('text')!r}, " + (
                f"the deltas add up to {deltas.get(key, '')!r}"
            )
        part = _obj(event.get("part"))
        is_text_part = part.get("type") == "output_text"
        if _type(event) == "response.content_part.done" and is_text_part and part.get("text") != deltas.get(key, ""):
            yield f"content_part.done for {key[0]!r} part {key[1]} says {part.get('text')!r}, " + (
                f"the deltas add up to {deltas.get(key, '')!r}"
            )
    items = _final_items(events)
    if not items:
        return
    for (item_id, content_index), text in deltas.items():
        content = items.get(str(item_id), {}).get("content")
        parts = content if isinstance(content, list) else []
        index = content_index if isinstance(content_index, int) else -1
        final_text = parts[index].get("text") if 0 <= index < len(parts) and isinstance(parts[index], dict) else None
        if final_text != text:
            yield f"the final response's text for {item_id!r} part {content_index} is {final_text!r}, " + (
                f"the deltas add up to {text!r}"
            )


@check(
    "responses-stream-text-done",
    severity=Severity.SHOULD,
    kind=_KIND,
    title="Each streamed text part ends with output_text.done",
)
def text_done(ctx: ResponsesEvents) -> Iterator[str]:
    """Every text part that received ``output_text.delta`` events is closed by an ``output_text.done``
    event for the same ``item_id`` and ``content_index`` (OpenAI clients wait for it)."""
    events = ctx.objects()
    deltas = _text_parts(events)
    if not deltas:
        raise NotApplicable("the stream carried no output_text.delta events")
    done = {(e.get("item_id"), e.get("content_index")) for e in events if _type(e) == "response.output_text.done"}
    for item_id, content_index in deltas:
        if (item_id, content_index) not in done:
            yield f"no output_text.done for item {item_id!r} part {content_index}"


@check(
    "responses-stream-function-call-arguments",
    severity=Severity.MUST,
    kind="responses-function-call",
    title="Argument deltas add up to the final arguments",
)
def function_call_arguments(ctx: ResponsesEvents) -> Iterator[str]:
    """For each function call, the ``function_call_arguments.delta`` events add up to the
    ``function_call_arguments.done`` arguments, which equal the final response item's arguments."""
    events = ctx.objects()
    deltas: dict[Any, str] = {}
    done: dict[Any, Any] = {}
    for event in events:
        if _type(event) == "response.function_call_arguments.delta":
            deltas[event.get("item_id")] = deltas.get(event.get("item_id"), "") + str(event.get("delta", ""))
        elif _type(event) == "response.function_call_arguments.done":
            done[event.get("item_id")] = event.get("arguments")
    calls = {k: v for k, v in _final_items(events).items() if v.get("type") == "function_call"}
    if not (deltas or done or calls):
        raise NotApplicable("the model made no function call, so no arguments were streamed")
    for item_id in sorted(set(deltas) | set(done) | set(calls), key=str):
        if item_id not in done:
            yield f"function call {item_id!r} has no function_call_arguments.done event"
            continue
        if deltas.get(item_id, "") != done[item_id]:
            yield f"the argument deltas of {item_id!r} add up to {deltas.get(item_id, '')!r}, " + (
                f"function_call_arguments.done says {done[item_id]!r}"
            )
        if item_id in calls and calls[item_id].get("arguments") != done[item_id]:
            yield f"the final response's arguments for {item_id!r} are {calls[item_id].get('arguments')!r}, " + (
                f"function_call_arguments.done says {done[item_id]!r}"
            )


@check(
    "responses-stream-final-matches-retrieve",
    severity=Severity.MUST,
    kind=_KIND,
    title="The final response equals GET /v1/responses/{id}",
)
def final_matches_retrieve(ctx: ResponsesEvents) -> Iterator[str | Violation]:
    """The response in the terminal event equals the one ``GET /v1/responses/{id}`` returns right
    after the stream, ignoring null-vs-absent fields and the stored-only field ``input``."""
    final = _final_response(ctx.objects())
    if final is None:
        raise NotApplicable("the stream has no terminal event carrying the response")
    yield from mismatch_with_stored(final, ctx.retrieved, "response", final.get("id"), RETRIEVE_IGNORED_FIELDS)
