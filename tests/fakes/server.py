"""A fake Llama Stack / OGX server that follows every rule our checks know, unless told to break one.

``make_app(breaks={"responses-stream-first-event"})`` returns the conformant server with exactly that
rule broken; ``make_app()`` breaks nothing. The switches are check ids, so a test can parametrize over
the registry: each check has a variant that makes it fire and the conformant server keeps it quiet.
:data:`SDK_BREAKS` are breaks no check of ours sees but an official SDK trips on (the clients suite).
Streams imitate the reference servers' shapes (OGX/Llama Stack event sequences, chunk framing).
"""

from __future__ import annotations

import dataclasses
import email.policy
import itertools
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.fakes.transport import CLOSE_SILENTLY

__all__ = [
    "BREAKABLE",
    "CHAT_MODEL",
    "EMBEDDING_MODEL",
    "REPLY",
    "SCHEMA_PROBE_FIELD",
    "SDK_BREAKS",
    "SPEC_TOOL_DELTA_CASE",
    "TOOL_ARGUMENTS",
    "make_app",
]

CHAT_MODEL = "fake/conformance-chat"
EMBEDDING_MODEL = "fake/embedding"
MODELS = frozenset({CHAT_MODEL, EMBEDDING_MODEL})
REPLY = ["Hello", " from", " the", " fake", " server."]
TOOL_ARGUMENTS = ['{"city": ', '"Paris"}']
SPEC_TOOL_DELTA_CASE = "streaming/chat-completions/tool-call/chunk-schema"
"""The one case the conformant fake fails under the ogx-1.5 (and llama-stack-0.7) spec: it types a
streamed tool-call delta with the whole call's schema (``function.name`` required), which an
OpenAI-shaped delta (the name on the first chunk only) cannot satisfy. Tests about other things
exclude it."""
TOOL_ARGUMENTS_OFF_SCHEMA = ['{"city": ', "7}"]
"""What the ``chat-stream-tool-call-arguments`` variant streams: JSON, but ``city`` is not a string."""
SCHEMA_PROBE_FIELD = "x_conformance_probe"
"""A schema-breaking variant sets this to a number; the tests' schema says it is a string."""
PAD_COMMENTS = 4000
"""Keep-alive comments the ``sse-stream-ends`` variant sends instead of ending (about 60 kB)."""

BREAKABLE = frozenset(
    {
        "json-response-status",
        "json-response-content-type",
        "json-response-schema",
        "sse-http-status",
        "sse-content-type",
        "sse-json-data",
        "sse-stream-ends",
        "responses-stream-event-schema",
        "responses-stream-first-event",
        "responses-stream-terminal-event",
        "responses-stream-sequence-number",
        "responses-stream-output-indexes",
        "responses-stream-item-ids",
        "responses-stream-text-deltas",
        "responses-stream-text-done",
        "responses-stream-final-matches-retrieve",
        "responses-stream-function-call-arguments",
        "responses-socket-answered",
        "responses-socket-json-messages",
        "responses-socket-turn-ends",
        "responses-socket-error-event",
        "responses-socket-previous-response-not-found",
        "responses-socket-usable-after-error",
        "responses-socket-failed-continuation-evicts",
        "chat-stream-chunk-schema",
        "chat-stream-chunk-shape",
        "chat-stream-single-id",
        "chat-stream-done-sentinel",
        "chat-stream-usage-chunk",
        "chat-stream-usage-last",
        "chat-stream-tool-call-index",
        "chat-stream-tool-call-header",
        "chat-stream-tool-call-arguments",
        "chat-stream-choices-terminated",
        "chat-stream-logprobs-shape",
        "agent-stream-event-schema",
        "agent-stream-event-shape",
        "agent-stream-turn-start",
        "agent-stream-steps-paired",
        "agent-stream-terminal-event",
        "agent-stream-turn-matches-retrieve",
        "error-not-success",
        "error-unknown-id-404",
        "error-invalid-body-status",
        "error-json-body",
        "error-message-not-repr",
        "error-connection-kept-alive",
        "error-unknown-id-null-body",
        "error-status-before-stream",
        "error-invalid-body-status-consistent",
        "error-envelope-consistent",
    }
)


SDK_BREAKS = frozenset(
    {
        # The SDK error classes (the clients suite's errors.<situation> flows); each has a rule of its own.
        "sdk-unknown-model-400",  # an unknown model is 400, not 404 (BadRequestError, not NotFoundError)
        "sdk-unknown-route-catch-all",  # an unknown path is 200 with an HTML page (a single-page-app fallback)
        "sdk-no-auth-accepted",  # with an API key configured, a request without credentials is served
        "sdk-wrong-auth-403",  # a wrong API key is 403 (PermissionDeniedError), not 401
        # The Node SDKs (openai-node, llama-stack-client-node flows):
        # an agent turn stream that ends with OpenAI's `data: [DONE]` sentinel (the agent stream has none);
        # the Node llama-stack-client 0.3.0 JSON.parses every event's data and throws SyntaxError on it.
        "sdk-node-agent-stream-done-sentinel",
        # streamed tool-call deltas after the header without their `index` (the position in tool_calls that
        # OpenAI always sends); openai-node's chat.completions.stream helper throws "invalid tool call index".
        # (The streaming suite's chat-stream-tool-call-index sees it too; its own break drops every index.)
        "sdk-node-chat-stream-tool-call-index",
        # llama-stack-client's flows (each fails exactly the llama-stack-client flows named):
        "sdk-agent-create-no-agent-id",  # POST /v1alpha/agents answers {"id": ...}: agents.create reads agent_id
        # the turn of turn_complete has no output_message (the SDK's Turn requires it): agents.turn-stream and
        # the resumed agents.turn-client-tool
        "sdk-agent-turn-complete-no-output-message",
        # a turn whose model calls a client tool ends with turn_complete, never turn_awaiting_input, so the
        # application is never asked for the tool's result: agents.turn-client-tool
        "sdk-agent-client-tool-not-awaited",
        # models in the listing carry only the OpenAI "id", not Llama Stack's "identifier" that 0.3.0's Model
        # declares: models.list (openai's models.list reads "id" and still passes)
        "sdk-models-list-no-identifier",
        "sdk-file-upload-no-filename",  # an uploaded file's answer has no filename: files.create
        "sdk-vector-store-delete-not-deleted",  # a vector store's deletion answers "deleted": false
        # a file's content comes back as JSON wrapping the text, not the bytes uploaded: openai's files.content
        "sdk-file-content-as-json",
        # ogx-client (OpenAPI Generator) parses every answer into a pydantic model requiring what the spec
        # requires; each of these leaves one such field out (_DROPPED), as servers do, or mangles a stream:
        "sdk-chat-completion-no-created",
        "sdk-chat-chunk-no-created",
        "sdk-chat-stream-tool-call-cumulative",  # each arguments delta repeats the arguments so far
        "sdk-response-no-store",
        "sdk-delete-no-id",  # every delete answers {"object": ..., "deleted": true} without the id
        "sdk-embeddings-no-model",
        "sdk-model-list-no-owned-by",
        "sdk-model-no-provider-id",
        "sdk-conversation-created-at-text",  # created_at as an ISO date, not Unix seconds
        "sdk-file-no-bytes",
        "sdk-vector-store-no-file-counts",
        "sdk-vector-store-file-no-chunking-strategy",
    }
)
_DROPPED: dict[str, tuple[str, str]] = {
    "sdk-chat-completion-no-created": ("chat.completion", "created"),
    "sdk-chat-chunk-no-created": ("chat.completion.chunk", "created"),
    "sdk-response-no-store": ("response", "store"),
    "sdk-delete-no-id": ("deleted", "id"),
    "sdk-embeddings-no-model": ("embeddings", "model"),
    "sdk-model-list-no-owned-by": ("model.listed", "owned_by"),
    "sdk-model-no-provider-id": ("model", "provider_id"),
    "sdk-file-no-bytes": ("file", "bytes"),
    "sdk-vector-store-no-file-counts": ("vector_store", "file_counts"),
    "sdk-vector-store-file-no-chunking-strategy": ("vector_store.file", "chunking_strategy"),
}
"""SDK break -> (the kind of object it is about, the required field it leaves out)."""


@dataclass
class _State:
    breaks: frozenset[str]
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    conversations: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    vector_stores: dict[str, dict[str, Any]] = field(default_factory=dict)
    agents: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """agent id -> session id -> turn id -> turn."""
    agent_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    file_bytes: dict[str, bytes] = field(default_factory=dict)
    store_files: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """vector store id -> file id -> its vector_store.file."""

    def broken(self, rule: str) -> bool:
        return rule in self.breaks

    def without(self, rule: str) -> _State:
        """This state with ``rule`` not broken (shares every store)."""
        return dataclasses.replace(self, breaks=self.breaks - {rule})

    def shaped(self, kind: str, answer: dict[str, Any]) -> dict[str, Any]:
        """``answer`` (an object of ``kind``) without the field an ``sdk-...`` break of :data:`_DROPPED` leaves out."""
        dropped = {name for rule, (of, name) in _DROPPED.items() if of == kind and self.broken(rule)}
        return {key: value for key, value in answer.items() if key not in dropped}


def _error(state: _State, status: int, message: str, *, not_found: bool = False, openai: bool = False) -> Response:
    """A FastAPI-style ``{"detail": ...}`` error (OpenAI's ``{"error": {...}}`` with ``openai``)."""
    if not_found and state.broken("error-unknown-id-404"):
        status = 400
    headers = {CLOSE_SILENTLY: "1"} if state.broken("error-connection-kept-alive") else None
    if state.broken("error-json-body"):
        page = f"<html><body><h1>{status}</h1><p>{message}</p></body></html>"
        return HTMLResponse(page, status_code=status, headers=headers)
    body: dict[str, Any] = {"detail": message}
    if openai:
        body = {"error": {"message": message, "type": "invalid_request_error", "code": None}}
    return JSONResponse(body, status_code=status, headers=headers)


def _invalid(state: _State, message: str, *, status: int = 400) -> Response:
    if state.broken("error-message-not-repr"):
        message = str({"errors": [{"loc": ("body", "input"), "msg": message, "type": "value_error"}]})
    status = 500 if state.broken("error-invalid-body-status") else status
    return _error(state, status, message, openai=state.broken("error-envelope-consistent"))


def _unknown_model(state: _State, model: str, *, stream: bool) -> Response:
    """404 before any stream; the ``error-status-before-stream`` variant streams the error instead."""
    message = f"Model '{model}' not found"
    if stream and state.broken("error-status-before-stream"):
        return _stream_error(message)
    if state.broken("sdk-unknown-model-400"):
        return _error(state, 400, message)
    return _error(state, 404, message, not_found=True)


def _stream_error(message: str) -> Response:
    """HTTP 200 and an error event: how some servers report what went wrong before the stream began."""
    frame = f"data: {json.dumps({'error': {'message': message}})}\n\n"
    return StreamingResponse(iter([frame]), media_type="text/event-stream")


async def _json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError:
        return None


def _sse(state: _State, payloads: Iterable[dict[str, Any] | str]) -> Response:
    """Frame payloads as ``data:`` events; a string payload is sent verbatim (``[DONE]``)."""
    if state.broken("sse-http-status"):
        return JSONResponse({"error": {"message": "streaming is unavailable"}}, status_code=500)
    frames = [f"data: {p if isinstance(p, str) else json.dumps(p)}\n\n" for p in payloads]
    if state.broken("sse-json-data"):
        frames.insert(1, "data: this is not JSON\n\n")
    if state.broken("sse-stream-ends"):
        frames = frames[:-1] + [": keep-alive\n\n"] * PAD_COMMENTS

    def body() -> Iterator[str]:
        yield from frames

    media_type = "text/plain" if state.broken("sse-content-type") else "text/event-stream"
    return StreamingResponse(body(), media_type=media_type)


# ------------------------------------------------------------------ responses


def _responses_events(state: _State, body: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The event sequence of one streamed response, and the final response object."""
    tools = body.get("tools") or []
    text = body.get("input") if isinstance(body.get("input"), str) else ""
    call = next((t for t in tools if isinstance(t, dict) and t.get("name") and t["name"] in text), None)
    rid = f"resp_{uuid.uuid4().hex}"
    base = {"id": rid, "object": "response", "created_at": 1700000000, "model": body.get("model"), "output": []}
    base = state.shaped("response", {**base, "store": body.get("store", True) is not False})
    numbers = itertools.count()
    events: list[dict[str, Any]] = []

    def emit(kind: str, **fields: Any) -> None:
        events.append({"type": kind, **fields, "sequence_number": next(numbers)})

    if not state.broken("responses-stream-first-event"):
        emit("response.created", response={**base, "status": "in_progress"})
    emit("response.in_progress", response={**base, "status": "in_progress"})
    if call is not None:
        item_id = f"fc_{uuid.uuid4().hex[:8]}"
        item = {"id": item_id, "type": "function_call", "call_id": "call_1", "name": call["name"], "arguments": ""}
        emit("response.output_item.added", response_id=rid, output_index=0, item={**item, "status": "in_progress"})
        arguments = "".join(TOOL_ARGUMENTS)
        for position, delta in enumerate(TOOL_ARGUMENTS):
            index = 1 if position == 0 and state.broken("responses-stream-output-indexes") else 0
            emit("response.function_call_arguments.delta", item_id=item_id, output_index=index, delta=delta)
        done_arguments = '{"city": "London"}' if state.broken("responses-stream-function-call-arguments") else arguments
        emit("response.function_call_arguments.done", item_id=item_id, output_index=0, arguments=done_arguments)
        final_item = {**item, "arguments": arguments, "status": "completed"}
    else:
        item_id = f"msg_{uuid.uuid4().hex[:8]}"
        item = {"id": item_id, "type": "message", "role": "assistant", "content": []}
        emit("response.output_item.added", response_id=rid, output_index=0, item={**item, "status": "in_progress"})
        ids = {"item_id": item_id, "output_index": 0, "content_index": 0}
        part = {"type": "output_text", "text": "", "annotations": []}
        emit("response.content_part.added", response_id=rid, **ids, part=part)
        structured = _structured(((body.get("text") or {}).get("format") or {}).get("schema"))
        pieces = [structured] if structured else REPLY[:-1] if state.broken("responses-stream-text-deltas") else REPLY
        for position, delta in enumerate(pieces):
            index = 1 if position == 0 and state.broken("responses-stream-output-indexes") else 0
            emit("response.output_text.delta", **{**ids, "output_index": index}, delta=delta, logprobs=[])
        full = _structured(((body.get("text") or {}).get("format") or {}).get("schema")) or "".join(REPLY)
        if not state.broken("responses-stream-text-done"):
            emit("response.output_text.done", **ids, text=full, logprobs=[])
        part = {"type": "output_text", "text": full, "annotations": []}
        emit("response.content_part.done", response_id=rid, **ids, part=part)
        final_item = {**item, "content": [part], "status": "completed"}
    done_item = {**final_item, "id": "item_other"} if state.broken("responses-stream-item-ids") else final_item
    emit("response.output_item.done", response_id=rid, output_index=0, item=done_item)
    usage = {
        "input_tokens": 5,
        "output_tokens": 5,
        "total_tokens": 10,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens_details": {"reasoning_tokens": 0},
    }
    final = {**base, "status": "completed", "output": [final_item], "usage": usage}
    if not state.broken("responses-stream-terminal-event"):
        emit("response.completed", response=final)
    if state.broken("responses-stream-sequence-number"):
        events[1]["sequence_number"] = events[0]["sequence_number"]
    if state.broken("responses-stream-event-schema"):
        events[1][SCHEMA_PROBE_FIELD] = 7
    return events, final


async def create_response(request: Request) -> Response:
    state: _State = request.app.state.fake
    body = await _json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("model"), str):
        return _invalid(state, "body must be a JSON object with a model")
    if not isinstance(body.get("input"), str | list):
        return _invalid(state, "input must be a string or a list of items")
    if body["model"] not in MODELS:
        return _unknown_model(state, body["model"], stream=bool(body.get("stream")))
    events, final = _responses_events(state, body)
    if body.get("store") is not False:
        _store(state, final, body["input"])
    if body.get("stream"):
        return _sse(state, events)
    return JSONResponse(final)


def _store(state: _State, final: dict[str, Any], given: Any) -> None:
    """Keep a created response for ``GET /v1/responses/{id}`` (read back changed when that rule is broken)."""
    stored = {**final, "status": "incomplete"} if state.broken("responses-stream-final-matches-retrieve") else final
    state.responses[final["id"]] = {**stored, "input": given}


def _socket_error(state: _State, status: int, code: str, message: str, param: str | None = None) -> str:
    """An error event as OGX sends it over the socket (the plain text of the message when broken)."""
    if state.broken("responses-socket-error-event"):
        return message
    if state.broken("responses-socket-previous-response-not-found"):
        code = "not_found"
    return json.dumps({"type": "error", "status": status, "error": {"code": code, "message": message, "param": param}})


def _orphan_outputs(given: Any, conversation: list[Any]) -> bool:
    """Whether ``given`` (a turn's input) has a ``function_call_output`` for a call ``conversation`` never made."""
    made = {
        item.get("call_id")
        for part in conversation
        if isinstance(part, list)
        for item in part
        if isinstance(item, dict) and item.get("type") == "function_call"
    }
    items = given if isinstance(given, list) else []
    return any(
        isinstance(i, dict) and i.get("type") == "function_call_output" and i.get("call_id") not in made for i in items
    )


async def responses_socket(websocket: WebSocket) -> None:
    """``/v1/responses`` over WebSocket, as OGX 1.5 serves it: one ``response.create`` message per turn,
    answered by the stream's events (one per message); ``store: false`` responses are kept for the
    connection only, so a new connection cannot continue them."""
    state: _State = websocket.app.state.fake
    await websocket.accept()
    kept: dict[str, list[Any]] = {}
    """store:false responses of this connection: id -> the conversation so far."""
    forgotten: set[str] = set()
    """store:false responses a failed continuation evicted."""
    try:
        while True:
            body = json.loads(await websocket.receive_text())
            for name in ("type", "stream", "background"):
                body.pop(name, None)
            previous, stored = body.pop("previous_response_id", None), body.get("store", True) is not False
            if previous is not None and (
                previous not in (state.responses if stored else kept)
                or (not stored and state.broken("responses-socket-answered"))
            ):
                message = f"Previous response '{previous}' was not found."
                # (The wrong-code break is about ids this connection never had, not ones it forgot.)
                error = _socket_error(state, 404, "previous_response_not_found", message, "previous_response_id")
                if previous in forgotten:
                    error = _socket_error(
                        state.without("responses-socket-previous-response-not-found"), 404,
                        "previous_response_not_found", message, "previous_response_id",
                    )  # fmt: skip
                await websocket.send_text(error)
                if state.broken("responses-socket-usable-after-error"):
                    await websocket.close(code=1011)
                    return
                continue
            if previous is not None and not stored and _orphan_outputs(body.get("input"), kept[previous]):
                # A tool output for a call the response did not make: the continuation fails, and the
                # response it built on is forgotten (a retry is previous_response_not_found), as OGX does.
                message = "Received function_call_output(s) without a corresponding function_call"
                await websocket.send_text(_socket_error(state, 400, "invalid_request", message))
                if not state.broken("responses-socket-failed-continuation-evicts"):
                    del kept[previous]
                    forgotten.add(previous)
                continue
            events, final = _responses_events(state, body)
            if stored:
                _store(state, final, body.get("input"))
            else:
                kept[final["id"]] = [*kept.get(previous or "", []), body.get("input"), final["output"]]
            messages = [json.dumps(event) for event in events]
            if state.broken("responses-socket-json-messages"):
                messages.insert(1, f"data: {messages[1]}")
            if state.broken("responses-socket-turn-ends"):
                # Never the terminal event: progress events for ever (as many as the test limits cut).
                number = events[-2]["sequence_number"]
                progress = {"type": "response.in_progress", "response": events[0]["response"]}
                messages = messages[:-1] + [
                    json.dumps({**progress, "sequence_number": number + 1 + n}) for n in range(PAD_COMMENTS)
                ]
            for message in messages:
                await websocket.send_text(message)
            if events[-1]["type"] != "response.completed" and not state.broken("responses-socket-turn-ends"):
                # The stream ended without its terminal event: the socket closes, as an SSE stream would end.
                await websocket.close(code=1011)
                return
    except WebSocketDisconnect:
        return


async def compact_response(request: Request) -> Response:
    """``POST /v1/responses/compact``: the input kept, plus one compaction item."""
    state: _State = request.app.state.fake
    body = await _json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("model"), str):
        return _invalid(state, "body must be a JSON object with a model")
    if not isinstance(body.get("input"), list):
        return _invalid(state, "input must be a list of items")
    compaction = {"type": "compaction", "id": "cmp_fake0", "encrypted_content": "A summary of the conversation."}
    output = [*body["input"], compaction]
    compacted = {"id": "resp_fakecompact", "object": "response.compaction", "created_at": 1700000000, "output": output}
    state.responses[compacted["id"]] = compacted  # kept as a response, as OGX keeps it (listed, deletable)
    return JSONResponse(compacted)


async def get_response(request: Request) -> Response:
    state: _State = request.app.state.fake
    response_id = request.path_params["response_id"]
    if response_id not in state.responses:
        if state.broken("error-not-success"):
            return JSONResponse({"id": response_id, "object": "response", "output": []})
        return _error(state, 404, f"response {response_id} not found", not_found=True)
    if request.method == "DELETE":
        del state.responses[response_id]
        return JSONResponse(state.shaped("deleted", {"id": response_id, "object": "response", "deleted": True}))
    return JSONResponse(state.responses[response_id])


async def response_input_items(request: Request) -> Response:
    state: _State = request.app.state.fake
    response_id = request.path_params["response_id"]
    if response_id not in state.responses:
        return _error(state, 404, f"response {response_id} not found", not_found=True)
    return JSONResponse({"object": "list", "data": []})


# ------------------------------------------------------------------ chat completions


async def chat_completions(request: Request) -> Response:
    state: _State = request.app.state.fake
    body = await _json_body(request)
    if not isinstance(body, dict) or not _messages(body.get("messages")) or not body.get("model"):
        status = 422 if state.broken("error-invalid-body-status-consistent") else 400
        return _invalid(state, "body must be a JSON object with a model and a messages list", status=status)
    if body["model"] not in MODELS:
        return _unknown_model(state, str(body["model"]), stream=bool(body.get("stream")))
    tool = _called_tool(body)
    content = _structured(((body.get("response_format") or {}).get("json_schema") or {}).get("schema"))
    if tool is not None and body.get("stream"):
        return _sse(state, _tool_call_chunks(state, body, tool))
    if not body.get("stream"):
        message: dict[str, Any] = {"role": "assistant", "content": content or "".join(REPLY)}
        finish = "stop"
        if tool is not None:
            arguments = "".join(TOOL_ARGUMENTS)
            call = {"id": "call_1", "type": "function", "function": {"name": tool, "arguments": arguments}}
            message, finish = {"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls"
        return JSONResponse(
            state.shaped(
                "chat.completion",
                {
                    "id": "chatcmpl-fake0",
                    "object": "chat.completion",
                    "created": 1700000000,
                    "model": body["model"],
                    "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                },
            )
        )
    common = {"id": "chatcmpl-fake1", "object": "chat.completion.chunk", "created": 1700000000, "model": body["model"]}
    common = state.shaped("chat.completion.chunk", common)
    chunks: list[dict[str, Any] | str] = []
    usage = {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}
    top = body.get("top_logprobs") or 0
    for index in range(int(body.get("n") or 1)):
        for position, piece in enumerate([content] if content else REPLY):
            delta = {"role": "assistant", "content": piece} if position == 0 else {"content": piece}
            choice: dict[str, Any] = {"index": index, "delta": delta, "finish_reason": None}
            if body.get("logprobs"):
                choice["logprobs"] = {"content": [_logprob(state, piece, top)]}
            chunks.append({**common, "choices": [choice]})
        if index == 0 or not state.broken("chat-stream-choices-terminated"):
            finish: dict[str, Any] = {**common, "choices": [{"index": index, "delta": {}, "finish_reason": "stop"}]}
            if state.broken("chat-stream-usage-last"):
                finish["usage"] = usage  # usage on the finish chunk too, as well as its own chunk
            chunks.append(finish)
    include_usage = (body.get("stream_options") or {}).get("include_usage")
    if include_usage and not state.broken("chat-stream-usage-chunk"):
        chunks.append({**common, "choices": [], "usage": usage})
    if state.broken("chat-stream-chunk-shape"):
        chunks[1] = {**chunks[1], "object": "chat.completion"}  # type: ignore[dict-item]
    if state.broken("chat-stream-single-id"):
        chunks[2] = {**chunks[2], "id": "chatcmpl-other"}  # type: ignore[dict-item]
    if state.broken("chat-stream-chunk-schema"):
        chunks[0] = {**chunks[0], SCHEMA_PROBE_FIELD: 7}  # type: ignore[dict-item]
    if not state.broken("chat-stream-done-sentinel"):
        chunks.append("[DONE]")
    return _sse(state, chunks)


def _logprob(state: _State, token: str, top: int) -> dict[str, Any]:
    """One ``logprobs.content`` entry for a streamed piece, with ``top`` alternatives."""
    logprob = 0.5 if state.broken("chat-stream-logprobs-shape") else -0.25
    alternatives = [{"token": token, "logprob": logprob, "bytes": list(token.encode())}]
    alternatives += [{"token": f"alt{n}", "logprob": -2.0 - n, "bytes": None} for n in range(1, top)]
    return {"token": token, "logprob": logprob, "bytes": list(token.encode()), "top_logprobs": alternatives[:top]}


def _messages(messages: Any) -> bool:
    """A messages list: every item an object with a role (as the servers validate it)."""
    return isinstance(messages, list) and all(isinstance(m, dict) and isinstance(m.get("role"), str) for m in messages)


def _called_tool(body: dict[str, Any]) -> str | None:
    """The function tool the last user message names, as the deterministic model server calls it."""
    names = [
        str(t["function"]["name"])
        for t in body.get("tools") or []
        if isinstance(t, dict) and t.get("type") == "function" and isinstance(t.get("function"), dict)
    ]
    users = [m for m in body["messages"] if isinstance(m, dict) and m.get("role") == "user"]
    text = users[-1].get("content") if users else ""
    return next((name for name in names if isinstance(text, str) and name in text), None)


def _tool_call_chunks(state: _State, body: dict[str, Any], tool: str) -> list[dict[str, Any] | str]:
    """A streamed tool call: the call's header in the role chunk, then its arguments in pieces."""
    common = {"id": "chatcmpl-fake2", "object": "chat.completion.chunk", "created": 1700000000, "model": body["model"]}
    common = state.shaped("chat.completion.chunk", common)
    header: dict[str, Any] = {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": tool, "arguments": ""},
    }
    if state.broken("chat-stream-tool-call-index"):
        del header["index"]
    first = {"role": "assistant", "content": None, "tool_calls": [header]}
    chunks: list[dict[str, Any] | str] = [{**common, "choices": [{"index": 0, "delta": first, "finish_reason": None}]}]
    pieces = TOOL_ARGUMENTS_OFF_SCHEMA if state.broken("chat-stream-tool-call-arguments") else TOOL_ARGUMENTS
    for position, delta in enumerate(pieces):
        so_far = "".join(pieces[: position + 1])
        piece = so_far if state.broken("sdk-chat-stream-tool-call-cumulative") else delta
        call: dict[str, Any] = {"index": 0, "function": {"arguments": piece}}
        if state.broken("chat-stream-tool-call-header"):
            # OGX 1.5.0's shape; openai's chat.completions.stream helper asserts on the null type.
            call = {"index": 0, "id": None, "type": None, "function": {"name": None, "arguments": piece}}
        if state.broken("sdk-node-chat-stream-tool-call-index") or state.broken("chat-stream-tool-call-index"):
            del call["index"]
        chunks.append({**common, "choices": [{"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": None}]})
    chunks.append({**common, "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]})
    chunks.append("[DONE]")
    return chunks


def _instance(schema: Any) -> Any:
    """A small instance of a JSON schema (objects, strings, numbers, booleans: what the tests ask for)."""
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: _instance(sub) for name, sub in (schema.get("properties") or {}).items()}
    return {"string": "hello", "integer": 1, "number": 1, "boolean": True, "array": []}.get(str(kind))


def _structured(schema: Any) -> str | None:
    """The compact JSON of an instance of ``schema`` (a ``json_schema`` format), or ``None`` without one."""
    return json.dumps(_instance(schema), separators=(",", ":")) if isinstance(schema, dict) else None


# ------------------------------------------------------------------ agents (Llama Stack 0.3)


def _agent_events(
    state: _State,
    session_id: str,
    messages: list[Any],
    *,
    turn_id: str | None = None,
    reply: list[str] = REPLY,
    steps_before: tuple[dict[str, Any], ...] = (),
    done_steps: tuple[dict[str, Any], ...] = (),
) -> tuple[list[dict[str, Any] | str], dict[str, Any]]:
    """A streamed turn answering with text; a resumed turn keeps its ``turn_id``, first reports the
    ``steps_before`` (the client tool's execution) and lists the ``done_steps`` streamed before it paused."""
    resumed = turn_id is not None
    turn_id, step_id = turn_id or str(uuid.uuid4()), str(uuid.uuid4())
    text = "".join(reply)
    output = {"role": "assistant", "content": text, "stop_reason": "end_of_turn", "tool_calls": []}
    step = {
        "turn_id": turn_id,
        "step_id": step_id,
        "step_type": "inference",
        "started_at": "2024-01-01T00:00:00Z",
        "completed_at": "2024-01-01T00:00:01Z",
        "model_response": output,
    }
    turn = {
        "turn_id": turn_id,
        "session_id": session_id,
        "input_messages": messages,
        "steps": [*done_steps, *steps_before, step],
        "output_message": output,
        "output_attachments": [],
        "started_at": "2024-01-01T00:00:00Z",
        "completed_at": "2024-01-01T00:00:01Z",
    }
    payloads: list[dict[str, Any]] = []
    if not state.broken("agent-stream-turn-start") and not resumed:
        payloads.append({"event_type": "turn_start", "turn_id": turn_id})
    for before in steps_before:
        kind, before_id = before["step_type"], before["step_id"]
        payloads.append(
            {"event_type": "step_complete", "step_type": kind, "step_id": before_id, "step_details": before}
        )
    payloads.append({"event_type": "step_start", "step_type": "inference", "step_id": step_id, "metadata": {}})
    for piece in reply:
        delta = {"type": "text", "text": piece}
        payloads.append({"event_type": "step_progress", "step_type": "inference", "step_id": step_id, "delta": delta})
    if state.broken("agent-stream-event-shape"):
        payloads[-1] = {**payloads[-1], "event_type": "step_progressing"}
    completed_id = str(uuid.uuid4()) if state.broken("agent-stream-steps-paired") else step_id
    payloads.append(
        {"event_type": "step_complete", "step_type": "inference", "step_id": completed_id, "step_details": step}
    )
    if not state.broken("agent-stream-terminal-event"):
        completed = turn
        if state.broken("sdk-agent-turn-complete-no-output-message"):
            completed = {k: v for k, v in turn.items() if k != "output_message"}
        payloads.append({"event_type": "turn_complete", "turn": completed})
    events: list[dict[str, Any] | str] = [{"event": {"payload": p}} for p in payloads]
    if state.broken("agent-stream-event-schema"):
        events[0][SCHEMA_PROBE_FIELD] = 7  # type: ignore[index]
    if state.broken("sdk-node-agent-stream-done-sentinel"):
        events.append("[DONE]")
    return events, turn


def _client_tool_events(
    state: _State, session_id: str, messages: list[Any], tool: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A streamed turn whose model calls the client tool ``tool``: it pauses with ``turn_awaiting_input``
    (the turn's output message carries the call) until ``.../resume`` brings the tool's result."""
    turn_id, step_id = str(uuid.uuid4()), str(uuid.uuid4())
    call = {"call_id": "call_1", "tool_name": tool, "arguments": "".join(TOOL_ARGUMENTS)}
    output = {"role": "assistant", "content": "", "stop_reason": "end_of_message", "tool_calls": [call]}
    step = {"turn_id": turn_id, "step_id": step_id, "step_type": "inference", "model_response": output}
    step |= {"started_at": "2024-01-01T00:00:00Z", "completed_at": "2024-01-01T00:00:01Z"}
    turn = {
        "turn_id": turn_id,
        "session_id": session_id,
        "input_messages": messages,
        "steps": [step],
        "output_message": output,
        "output_attachments": [],
        "started_at": "2024-01-01T00:00:00Z",
    }
    common = {"step_type": "inference", "step_id": step_id}
    delta = {"type": "tool_call", "parse_status": "succeeded", "tool_call": call}
    paused = "turn_complete" if state.broken("sdk-agent-client-tool-not-awaited") else "turn_awaiting_input"
    payloads = [
        {"event_type": "turn_start", "turn_id": turn_id},
        {"event_type": "step_start", **common, "metadata": {}},
        {"event_type": "step_progress", **common, "delta": delta},
        {"event_type": "step_complete", **common, "step_details": step},
        {"event_type": paused, "turn": turn},
    ]
    return [{"event": {"payload": p}} for p in payloads], turn


def _named_client_tool(state: _State, agent_id: str, messages: list[Any]) -> str | None:
    """The agent's client tool the last user message names (as the deterministic model server calls tools)."""
    tools = state.agent_configs.get(agent_id, {}).get("client_tools") or []
    names = [str(t["name"]) for t in tools if isinstance(t, dict) and t.get("name")]
    users = [m for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    text = users[-1].get("content") if users else ""
    return next((name for name in names if isinstance(text, str) and name in text), None)


async def create_agent(request: Request) -> Response:
    state: _State = request.app.state.fake
    body = await _json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("agent_config"), dict):
        return _invalid(state, "agent_config is required")
    agent_id = str(uuid.uuid4())
    state.agents[agent_id] = {}
    state.agent_configs[agent_id] = body["agent_config"]
    if state.broken("sdk-agent-create-no-agent-id"):
        return JSONResponse({"id": agent_id})
    return JSONResponse({"agent_id": agent_id})


async def agent(request: Request) -> Response:
    state: _State = request.app.state.fake
    agent_id = request.path_params["agent_id"]
    if agent_id not in state.agents:
        return _error(state, 404, f"agent {agent_id} not found", not_found=True)
    if request.method == "DELETE":
        del state.agents[agent_id]
        return Response(status_code=204)
    return JSONResponse({"agent_id": agent_id, "agent_config": {}, "created_at": "2024-01-01T00:00:00Z"})


async def create_session(request: Request) -> Response:
    state: _State = request.app.state.fake
    agent_id = request.path_params["agent_id"]
    if agent_id not in state.agents:
        return _error(state, 404, f"agent {agent_id} not found", not_found=True)
    session_id = str(uuid.uuid4())
    state.agents[agent_id][session_id] = {}
    return JSONResponse({"session_id": session_id})


def _session(request: Request) -> dict[str, Any] | None:
    state: _State = request.app.state.fake
    sessions = state.agents.get(request.path_params["agent_id"], {})
    return sessions.get(request.path_params["session_id"])


async def session(request: Request) -> Response:
    state: _State = request.app.state.fake
    if _session(request) is None:
        return _error(state, 404, "session not found", not_found=True)
    return JSONResponse({"session_id": request.path_params["session_id"], "session_name": "s", "turns": []})


async def create_turn(request: Request) -> Response:
    state: _State = request.app.state.fake
    turns = _session(request)
    body = await _json_body(request)
    if turns is None:
        if state.broken("error-status-before-stream"):
            return _stream_error(f"Session {request.path_params['session_id']} not found")
        return _error(state, 404, "session not found", not_found=True)
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        return _invalid(state, "messages is required")
    tool = _named_client_tool(state, request.path_params["agent_id"], body["messages"])
    if tool is not None:
        events, turn = _client_tool_events(state, request.path_params["session_id"], body["messages"], tool)
        turns[turn["turn_id"]] = turn
        return _sse(state, events)
    events, turn = _agent_events(state, request.path_params["session_id"], body["messages"])
    if state.broken("agent-stream-turn-matches-retrieve"):
        turn = {**turn, "output_message": {**turn["output_message"], "content": "Something else."}}
    turns[turn["turn_id"]] = turn
    return _sse(state, events)


async def resume_turn(request: Request) -> Response:
    """The client tool's result resumes a paused turn: the tool's execution step, then the answer quoting it."""
    state: _State = request.app.state.fake
    turns = _session(request)
    turn_id = request.path_params["turn_id"]
    paused = (turns or {}).get(turn_id)
    if turns is None or paused is None:
        return _error(state, 404, "turn not found", not_found=True)
    body = await _json_body(request)
    answers = body.get("tool_responses") if isinstance(body, dict) else None
    calls = paused["output_message"]["tool_calls"]
    if paused.get("completed_at") or not calls:
        return _invalid(state, f"turn {turn_id} is not awaiting tool responses")
    if not isinstance(answers, list) or {a.get("call_id") for a in answers if isinstance(a, dict)} != {
        c["call_id"] for c in calls
    }:
        return _invalid(state, "tool_responses must answer every tool call of the turn")
    execution = {
        "turn_id": turn_id,
        "step_id": str(uuid.uuid4()),
        "step_type": "tool_execution",
        "tool_calls": calls,
        "tool_responses": answers,
        "started_at": "2024-01-01T00:00:01Z",
        "completed_at": "2024-01-01T00:00:01Z",
    }
    reply = ["The tool returned: ", *(str(a.get("content")) for a in answers)]
    events, turn = _agent_events(
        state,
        request.path_params["session_id"],
        paused["input_messages"],
        turn_id=turn_id,
        reply=reply,
        steps_before=(execution,),
        done_steps=tuple(paused["steps"]),
    )
    turns[turn_id] = turn
    return _sse(state, events)


async def get_turn(request: Request) -> Response:
    state: _State = request.app.state.fake
    turn = (_session(request) or {}).get(request.path_params["turn_id"])
    if turn is None:
        if state.broken("error-unknown-id-null-body"):
            return JSONResponse(None)
        return _error(state, 404, "turn not found", not_found=True)
    return JSONResponse(turn)


# ------------------------------------------------------------------ everything else


_OPENAI_MODEL = {"object": "model", "created": 1700000000, "owned_by": "fake"}
"""What an OpenAI model object has besides its id (OGX's ``OpenAIModel`` requires ``created`` and ``owned_by``)."""


async def models(request: Request) -> Response:
    state: _State = request.app.state.fake
    listed = [
        {"identifier": EMBEDDING_MODEL, "id": EMBEDDING_MODEL, "model_type": "embedding", "provider_id": "fake"},
        {"identifier": CHAT_MODEL, "id": CHAT_MODEL, "model_type": "llm", "provider_id": "fake"},
    ]
    if state.broken("sdk-models-list-no-identifier"):
        listed = [{k: v for k, v in model.items() if k != "identifier"} for model in listed]
    return JSONResponse({"data": [state.shaped("model.listed", {**_OPENAI_MODEL, **m}) for m in listed]})


async def model(request: Request) -> Response:
    state: _State = request.app.state.fake
    if request.path_params["model_id"] == CHAT_MODEL:
        found = {"identifier": CHAT_MODEL, "id": CHAT_MODEL, "object": "model", "model_type": "llm"}
        return JSONResponse(state.shaped("model", {**found, "provider_id": "fake"}))
    return _error(state, 404, "model not found", not_found=True)


async def not_found(request: Request) -> Response:
    """Stores the fake keeps empty: every id is unknown."""
    return _error(request.app.state.fake, 404, f"{request.url.path} not found", not_found=True)


async def list_files(request: Request) -> Response:
    files = list(request.app.state.fake.files.values())
    return JSONResponse({"object": "list", "data": files, "has_more": False, "first_id": None, "last_id": None})


async def file_content(request: Request) -> Response:
    state: _State = request.app.state.fake
    file_id = request.path_params["file_id"]
    if file_id not in state.files:
        return _error(state, 404, f"{request.url.path} not found", not_found=True)
    content = state.file_bytes[file_id]
    if state.broken("sdk-file-content-as-json"):
        return JSONResponse({"id": file_id, "content": content.decode(errors="replace")})
    return Response(content, media_type="application/octet-stream")


async def store_file(request: Request) -> Response:
    state: _State = request.app.state.fake
    store_id, file_id = request.path_params["vector_store_id"], request.path_params["file_id"]
    attached = state.store_files.get(store_id, {}).get(file_id)
    if attached is None:
        return _error(state, 404, f"{request.url.path} not found", not_found=True)
    return JSONResponse(state.shaped("vector_store.file", attached))


async def search_vector_store(request: Request) -> Response:
    """Every attached file matches, its whole text one chunk (the fake ranks nothing)."""
    state: _State = request.app.state.fake
    store_id = request.path_params["vector_store_id"]
    body = await _json_body(request)
    if store_id not in state.vector_stores:
        return _error(state, 404, f"{request.url.path} not found", not_found=True)
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return _invalid(state, "query must be a string")
    results = [
        {
            "file_id": file_id,
            "filename": state.files[file_id]["filename"],
            "score": 0.9,
            "attributes": {},
            "content": [{"type": "text", "text": state.file_bytes[file_id].decode(errors="replace")}],
        }
        for file_id in state.store_files.get(store_id, {})
        if file_id in state.files
    ]
    page = {"object": "vector_store.search_results.page", "search_query": [body["query"]], "data": results}
    return JSONResponse(page | {"has_more": False, "next_page": None})


async def create_conversation(request: Request) -> Response:
    state: _State = request.app.state.fake
    body = await _json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("items", []), list):
        return _invalid(state, "items must be a list")
    created: int | str = 1700000000
    if state.broken("sdk-conversation-created-at-text"):
        created = "2023-11-14T22:13:20Z"
    conversation = {"id": f"conv_{uuid.uuid4().hex}", "object": "conversation", "created_at": created}
    state.conversations[conversation["id"]] = conversation
    return JSONResponse(conversation)


async def conversation(request: Request) -> Response:
    state: _State = request.app.state.fake
    conversation_id = request.path_params["conversation_id"]
    if conversation_id not in state.conversations:
        return _error(state, 404, f"{request.url.path} not found", not_found=True)
    if request.method == "DELETE":
        del state.conversations[conversation_id]
        deleted = {"id": conversation_id, "object": "conversation.deleted", "deleted": True}
        return JSONResponse(state.shaped("deleted", deleted))
    return JSONResponse(state.conversations[conversation_id])


async def embeddings(request: Request) -> Response:
    state: _State = request.app.state.fake
    body = await _json_body(request)
    if not isinstance(body, dict) or body.get("model") != EMBEDDING_MODEL:
        return _invalid(state, f"model must be {EMBEDDING_MODEL}")
    inputs = body.get("input") if isinstance(body.get("input"), list) else [body.get("input")]
    data = [{"object": "embedding", "index": n, "embedding": [0.5, -0.5, 0.25]} for n in range(len(inputs))]
    usage = {"prompt_tokens": len(inputs), "total_tokens": len(inputs)}
    answer = {"object": "list", "data": data, "model": EMBEDDING_MODEL, "usage": usage}
    return JSONResponse(state.shaped("embeddings", answer))


def _multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """A ``multipart/form-data`` body's fields: name -> (file name, content); stdlib only (the fake's
    dependencies stay Starlette's own)."""
    message = BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + body
    )
    if not message.is_multipart():
        return {}
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
    return fields


async def upload_file(request: Request) -> Response:
    state: _State = request.app.state.fake
    fields = _multipart(request.headers.get("content-type", ""), await request.body())
    if "file" not in fields or "purpose" not in fields:
        return _invalid(state, "a multipart body with a file and a purpose is required")
    (filename, content), purpose = fields["file"], fields["purpose"][1].decode()
    file_id = f"file-{uuid.uuid4().hex}"
    state.files[file_id] = {
        "id": file_id,
        "object": "file",
        "bytes": len(content),
        "created_at": 1700000000,
        "expires_at": 1731536000,
        "filename": filename or "upload",
        "purpose": purpose,
        "status": "processed",
    }
    state.file_bytes[file_id] = content
    answer = state.shaped("file", state.files[file_id])
    if state.broken("sdk-file-upload-no-filename"):
        answer = {k: v for k, v in answer.items() if k != "filename"}
    return JSONResponse(answer)


async def file(request: Request) -> Response:
    state: _State = request.app.state.fake
    file_id = request.path_params["file_id"]
    if file_id not in state.files:
        return _error(state, 404, f"{request.url.path} not found", not_found=True)
    if request.method == "DELETE":
        del state.files[file_id]
        return JSONResponse(state.shaped("deleted", {"id": file_id, "object": "file", "deleted": True}))
    return JSONResponse(state.shaped("file", state.files[file_id]))


def _vector_store(state: _State, store: dict[str, Any]) -> Response:
    total = len(store["files"])
    counts = {"completed": total, "cancelled": 0, "failed": 0, "in_progress": 0, "total": total}
    shown = {key: value for key, value in store.items() if key != "files"}
    return JSONResponse(state.shaped("vector_store", {**shown, "file_counts": counts}))


async def create_vector_store(request: Request) -> Response:
    state: _State = request.app.state.fake
    body = await _json_body(request)
    if not isinstance(body, dict):
        return _invalid(state, "body must be a JSON object")
    store_id = f"vs_{uuid.uuid4()}"
    state.vector_stores[store_id] = {
        "id": store_id,
        "object": "vector_store",
        "created_at": 1700000000,
        "name": body.get("name"),
        "usage_bytes": 0,
        "status": "completed",
        "metadata": {},
        "files": [],
    }
    return _vector_store(state, state.vector_stores[store_id])


async def vector_store(request: Request) -> Response:
    state: _State = request.app.state.fake
    store_id = request.path_params["vector_store_id"]
    if store_id not in state.vector_stores:
        return _error(state, 404, f"{request.url.path} not found", not_found=True)
    if request.method == "DELETE":
        del state.vector_stores[store_id]
        flag = not state.broken("sdk-vector-store-delete-not-deleted")
        deleted = {"id": store_id, "object": "vector_store.deleted", "deleted": flag}
        return JSONResponse(state.shaped("deleted", deleted))
    return _vector_store(state, state.vector_stores[store_id])


async def attach_file(request: Request) -> Response:
    state: _State = request.app.state.fake
    store = state.vector_stores.get(request.path_params["vector_store_id"])
    body = await _json_body(request)
    if store is None:
        return _error(state, 404, f"{request.url.path} not found", not_found=True)
    if not isinstance(body, dict) or body.get("file_id") not in state.files:
        return _invalid(state, "file_id must name an uploaded file")
    store["files"].append(body["file_id"])
    attached = {
        "id": body["file_id"],
        "object": "vector_store.file",
        "attributes": {},
        "chunking_strategy": {"type": "static", "static": {"chunk_overlap_tokens": 400, "max_chunk_size_tokens": 800}},
        "created_at": 1700000000,
        "status": "completed",
        "usage_bytes": state.files[body["file_id"]]["bytes"],
        "vector_store_id": store["id"],
        "last_error": None,
    }
    state.store_files.setdefault(store["id"], {})[body["file_id"]] = attached
    return JSONResponse(state.shaped("vector_store.file", attached))


async def version(request: Request) -> Response:
    """The smoke suite's json-response checks are broken here: nothing else depends on this route."""
    state: _State = request.app.state.fake
    body: dict[str, Any] = {"version": "0.0.0-fake"}
    if state.broken("json-response-schema"):
        body[SCHEMA_PROBE_FIELD] = 7
    if state.broken("json-response-status"):
        return JSONResponse(body, status_code=503)
    if state.broken("json-response-content-type"):
        return Response(json.dumps(body), media_type="text/plain")
    return JSONResponse(body)


def _unknown_route(request: Request) -> Response:
    if request.app.state.fake.broken("sdk-unknown-route-catch-all"):
        return HTMLResponse("<!doctype html><html><body><div id='app'></div></body></html>")
    return JSONResponse({"detail": "Not Found"}, status_code=404)


class _Auth:
    """With an API key, every request but ``/v1/health`` needs ``Authorization: Bearer <key>``: 401 without
    credentials or with wrong ones (the ``sdk-...-auth`` breaks change that)."""

    def __init__(self, app: Any, api_key: str, state: _State) -> None:
        self.app, self.api_key, self.state = app, api_key, state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] == "/v1/health":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        given = headers.get("authorization", "").removeprefix("Bearer ").strip()
        refusal: Response | None = None
        if not given:
            if not self.state.broken("sdk-no-auth-accepted"):
                refusal = JSONResponse({"detail": "Authentication required"}, status_code=401)
        elif given != self.api_key:
            status = 403 if self.state.broken("sdk-wrong-auth-403") else 401
            refusal = JSONResponse({"detail": "Invalid API key"}, status_code=status)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)


def make_app(breaks: Iterable[str] = (), *, api_key: str | None = None) -> Starlette:
    """The fake server with the given rules (check ids from :data:`BREAKABLE`) broken; with ``api_key``,
    requests need it (``Authorization: Bearer <key>``)."""
    chosen = frozenset(breaks)
    if unknown := chosen - BREAKABLE - SDK_BREAKS:
        raise ValueError(f"the fake cannot break {sorted(unknown)}")
    agents = "/v1alpha/agents"
    routes = [
        Route("/v1/health", lambda _r: JSONResponse({"status": "OK"})),
        Route("/v1/version", version),
        Route("/v1/models", models),
        Route("/v1/models/{model_id:path}", model),
        Route("/v1/responses", create_response, methods=["POST"]),
        WebSocketRoute("/v1/responses", responses_socket),
        Route("/v1/responses/compact", compact_response, methods=["POST"]),
        Route("/v1/responses/{response_id}", get_response, methods=["GET", "DELETE"]),
        Route("/v1/responses/{response_id}/input_items", response_input_items),
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        Route("/v1/chat/completions/{completion_id}", not_found),
        Route("/v1/conversations", create_conversation, methods=["POST"]),
        Route("/v1/conversations/{conversation_id}", conversation, methods=["GET", "DELETE"]),
        Route("/v1/embeddings", embeddings, methods=["POST"]),
        Route("/v1/files", upload_file, methods=["POST"]),
        Route("/v1/files", list_files, methods=["GET"]),
        Route("/v1/files/{file_id}", file, methods=["GET", "DELETE"]),
        Route("/v1/files/{file_id}/content", file_content),
        Route("/v1/vector_stores", create_vector_store, methods=["POST"]),
        Route("/v1/vector_stores/{vector_store_id}", vector_store, methods=["GET", "DELETE"]),
        Route("/v1/vector_stores/{vector_store_id}/files", attach_file, methods=["POST"]),
        Route("/v1/vector_stores/{vector_store_id}/files/{file_id}", store_file),
        Route("/v1/vector_stores/{vector_store_id}/search", search_vector_store, methods=["POST"]),
        Route(agents, create_agent, methods=["POST"]),
        Route(f"{agents}/{{agent_id}}", agent, methods=["GET", "DELETE"]),
        Route(f"{agents}/{{agent_id}}/session", create_session, methods=["POST"]),
        Route(f"{agents}/{{agent_id}}/session/{{session_id}}", session),
        Route(f"{agents}/{{agent_id}}/session/{{session_id}}/turn", create_turn, methods=["POST"]),
        Route(f"{agents}/{{agent_id}}/session/{{session_id}}/turn/{{turn_id}}", get_turn),
        Route(f"{agents}/{{agent_id}}/session/{{session_id}}/turn/{{turn_id}}/resume", resume_turn, methods=["POST"]),
    ]
    # The paths the Node llama-stack-client 0.3.0 calls: 0.3's deprecated /v1/agents aliases, /v1/openai/v1.
    routes += [
        Route(route.path.replace(agents, "/v1/agents", 1), route.endpoint, methods=route.methods)
        for route in routes
        if route.path.startswith(agents)
    ]
    routes += [
        Route("/v1/openai/v1/responses/{response_id}", get_response, methods=["GET", "DELETE"]),
        Route("/v1/openai/v1/chat/completions", chat_completions, methods=["POST"]),
    ]
    routes.append(Route("/{path:path}", _unknown_route, methods=["GET", "POST", "DELETE"]))
    app = Starlette(routes=routes)
    app.state.fake = _State(breaks=chosen)
    if api_key is not None:
        app.add_middleware(_Auth, api_key=api_key, state=app.state.fake)
    return app
