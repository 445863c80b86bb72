"""Responses flows for the input forms, tools and lifecycle options the Open Responses compliance
tests exercise (docs/open-responses.md maps each of those tests to these ids).

Each flow applies where the profile's spec has what it sends (``needs``: the compaction and
cancel operations, the ``background`` and ``truncation`` fields, ``input_file`` parts, the
``file_search`` tool). Every flow deletes what it stored.
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

from conformance.core.settle import Settle
from conformance.scenarios.base import Scenario, ScenarioContext, scenario
from conformance.scenarios.files import DOCUMENT

__all__ = ["PDF_DOCUMENT", "PNG_IMAGE", "SCENARIOS"]

SCENARIOS: list[Scenario] = []

API = "responses"
RESPONSES = "POST /v1/responses"
DONE = Settle(field="status", until=("completed", "failed", "cancelled", "incomplete"))
"""A background response read back until it has one of its final statuses."""


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain RGB PNG of one colour (built here so the bytes are ours and fixed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


PNG_IMAGE = _png(8, 8, (200, 30, 40))
"""An 8x8 red square."""

PDF_DOCUMENT = (
    b"%PDF-1.1\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R"
    b" /Resources << /Font << /F1 5 0 R >> >> >> endobj\n"
    b"4 0 obj << /Length 52 >> stream\nBT /F1 12 Tf 72 72 Td (Title: Conformance Fixture) Tj ET\nendstream endobj\n"
    b"5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
"""A one-page PDF whose only text is its title."""


def _data_url(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _message(role: str, content: str | list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "message", "role": role, "content": content, **extra}


def _create(ctx: ScenarioContext, step: str, **body: Any) -> str:
    exchange = ctx.call(step, "POST", "/v1/responses", json={"model": ctx.models.chat, **body})
    return str(ctx.require(exchange, "id"))


def _function_call(ctx: ScenarioContext, source: Any) -> dict[str, Any]:
    """The first ``function_call`` item of a response's output (the flow cannot go on without one)."""
    output = ctx.require(source, "output")
    call = next((item for item in output if isinstance(item, dict) and item.get("type") == "function_call"), None)
    ctx.require(call, "call_id")
    assert isinstance(call, dict)
    return call


@scenario(
    SCENARIOS,
    "responses-instructions",
    "System and developer messages in input, and the instructions field",
    api=API,
    needs=(f"{RESPONSES} {{instructions}}", f"{RESPONSES} 'developer'"),
)
def instructions(ctx: ScenarioContext) -> None:
    system = _create(
        ctx,
        "system-message",
        input=[
            _message("system", "You are a pirate. Always respond in pirate speak."),
            _message("user", "Say hello."),
        ],
    )
    developer = _create(
        ctx,
        "developer-message",
        input=[_message("developer", "Answer in one sentence."), _message("user", "Say hello.")],
    )
    field = _create(ctx, "instructions-field", instructions="Answer in one sentence.", input="Say hello.")
    ctx.call("get-instructions-field", "GET", f"/v1/responses/{field}")
    for step, response_id in (("system", system), ("developer", developer), ("instructions", field)):
        ctx.call(f"delete-{step}", "DELETE", f"/v1/responses/{response_id}")


@scenario(
    SCENARIOS,
    "responses-multi-turn",
    "Earlier assistant turns passed back in input, without previous_response_id",
    api=API,
)
def multi_turn(ctx: ScenarioContext) -> None:
    plain = _create(
        ctx,
        "history-as-text",
        input=[
            _message("user", "My name is Alice."),
            _message("assistant", "Hello Alice! Nice to meet you. How can I help you today?"),
            _message("user", "What is my name?"),
        ],
    )
    parts = _create(
        ctx,
        "history-as-parts",
        input=[
            _message("user", [{"type": "input_text", "text": "Remember the code word: cobalt."}]),
            _message("assistant", [{"type": "output_text", "text": "OK.", "annotations": []}]),
            _message("user", [{"type": "input_text", "text": "What is the code word?"}]),
        ],
    )
    ctx.call("input-items", "GET", f"/v1/responses/{parts}/input_items")
    ctx.call("delete-text", "DELETE", f"/v1/responses/{plain}")
    ctx.call("delete-parts", "DELETE", f"/v1/responses/{parts}")


@scenario(
    SCENARIOS,
    "responses-assistant-phase",
    "Assistant history labelled with phase (commentary, final_answer) is accepted",
    api=API,
)
def assistant_phase(ctx: ScenarioContext) -> None:
    # No profile's spec names `phase`; its message schemas allow fields they do not list, so the
    # request is valid for every profile and the label must not make it fail.
    response_id = _create(
        ctx,
        "create",
        input=[
            _message("assistant", "I should answer with the saved number.", phase="commentary"),
            _message("assistant", "The number is four.", phase="final_answer"),
            _message("user", "Repeat only the number."),
        ],
    )
    ctx.call("delete", "DELETE", f"/v1/responses/{response_id}")


@scenario(
    SCENARIOS,
    "responses-image-input",
    "An input_image part given as a data URL",
    api=API,
    needs=(f"{RESPONSES} 'input_image'",),
)
def image_input(ctx: ScenarioContext) -> None:
    content = [
        {"type": "input_text", "text": "What do you see in this image? Answer in one sentence."},
        {"type": "input_image", "image_url": _data_url("image/png", PNG_IMAGE), "detail": "low"},
    ]
    response_id = _create(ctx, "create", input=[_message("user", content)])
    ctx.call("input-items", "GET", f"/v1/responses/{response_id}/input_items")
    ctx.call("delete", "DELETE", f"/v1/responses/{response_id}")


@scenario(
    SCENARIOS,
    "responses-file-input",
    "input_file parts: inline file_data, and an uploaded file by file_id",
    api=API,
    uses=("files",),
    needs=(f"{RESPONSES} 'input_file'", "POST /v1/files"),
)
def file_input(ctx: ScenarioContext) -> None:
    inline = [
        {"type": "input_text", "text": "Read the attached file and answer with its title only."},
        {
            "type": "input_file",
            "filename": "conformance-fixture.pdf",
            "file_data": _data_url("application/pdf", PDF_DOCUMENT),
        },
    ]
    first = _create(ctx, "file-data", input=[_message("user", inline)])
    uploaded = ctx.call(
        "upload-file",
        "POST",
        "/v1/files",
        files={"file": ("notes.txt", DOCUMENT, "text/plain")},
        data={"purpose": "assistants"},
    )
    file_id = ctx.require(uploaded, "id")
    by_id = [
        {"type": "input_text", "text": "What is the favourite colour in the file?"},
        {"type": "input_file", "file_id": file_id},
    ]
    second = _create(ctx, "file-id", input=[_message("user", by_id)])
    ctx.call("delete-file-data", "DELETE", f"/v1/responses/{first}")
    ctx.call("delete-file-id", "DELETE", f"/v1/responses/{second}")
    ctx.call("delete-file", "DELETE", f"/v1/files/{file_id}")


WEATHER_LOCATION_TOOL: dict[str, Any] = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather for a location",
    "parameters": {
        "type": "object",
        "properties": {"location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"}},
        "required": ["location"],
    },
}
"""The tool of the compliance tests' tool-calling cases (the model decides to call it)."""


@scenario(
    SCENARIOS,
    "responses-tool-calling",
    "tool_choice auto: the model calls the offered function, plain and streamed (arguments deltas)",
    api=API,
)
def tool_calling(ctx: ScenarioContext) -> None:
    # The user text does not name the tool: with tool_choice auto the deterministic model decides to
    # call the first function tool offered, as a real model would for a weather question.
    question = [_message("user", "What's the weather like in San Francisco?")]
    plain = ctx.call(
        "create",
        "POST",
        "/v1/responses",
        json={"model": ctx.models.chat, "input": question, "tools": [WEATHER_LOCATION_TOOL]},
    )
    _function_call(ctx, plain)
    body = {
        "model": ctx.models.chat,
        "input": question,
        "tools": [WEATHER_LOCATION_TOOL],
        "tool_choice": "auto",
        "stream": True,
    }
    streamed = ctx.call("create-stream", "POST", "/v1/responses", json=body, stream=True)
    done = ctx.find_event(streamed, lambda e: e.get("type") == "response.function_call_arguments.done")
    ctx.require(done, "arguments")
    completed = ctx.find_event(streamed, lambda e: e.get("type") == "response.completed")
    streamed_id = ctx.require(completed, "response", "id")
    ctx.call("delete", "DELETE", f"/v1/responses/{ctx.require(plain, 'id')}")
    ctx.call("delete-stream", "DELETE", f"/v1/responses/{streamed_id}")


@scenario(
    SCENARIOS,
    "responses-function-call-roundtrip",
    "A named tool_choice call answered with function_call_output: chained by id, and passed back in input",
    api=API,
)
def function_call_roundtrip(ctx: ScenarioContext) -> None:
    tools = [WEATHER_LOCATION_TOOL]
    ask = "Use the weather tool to get the temperature in San Francisco."
    first = ctx.call(
        "create",
        "POST",
        "/v1/responses",
        json={
            "model": ctx.models.chat,
            "input": ask,
            "tools": tools,
            "tool_choice": {"type": "function", "name": "get_weather"},
        },
    )
    first_id = ctx.require(first, "id")
    call = _function_call(ctx, first)
    result = {"type": "function_call_output", "call_id": call["call_id"], "output": "64 degrees and clear"}
    chained = _create(ctx, "output-by-previous-id", previous_response_id=first_id, tools=tools, input=[result])
    # Stateless: the call and its output are passed back as items, nothing is looked up or stored.
    echoed = {k: call[k] for k in ("type", "call_id", "name", "arguments")}
    ctx.call(
        "output-in-input",
        "POST",
        "/v1/responses",
        json={
            "model": ctx.models.chat,
            "input": [_message("user", ask), echoed, result],
            "tools": tools,
            "store": False,
        },
    )
    ctx.call("delete-chained", "DELETE", f"/v1/responses/{chained}")
    ctx.call("delete-first", "DELETE", f"/v1/responses/{first_id}")


@scenario(
    SCENARIOS,
    "responses-file-search",
    "The file_search tool over a vector store, with its results included",
    api=API,
    uses=("files", "vector-stores"),
    needs=(f"{RESPONSES} 'file_search'", f"{RESPONSES} {{include}}", "POST /v1/vector_stores"),
)
def file_search(ctx: ScenarioContext) -> None:
    uploaded = ctx.call(
        "upload-file",
        "POST",
        "/v1/files",
        files={"file": ("notes.txt", DOCUMENT, "text/plain")},
        data={"purpose": "assistants"},
    )
    file_id = ctx.require(uploaded, "id")
    body: dict[str, object] = {"name": "conformance-file-search", "file_ids": [file_id]}
    if ctx.models.embedding:
        body |= {"embedding_model": ctx.models.embedding, "embedding_dimension": 8}
    store = ctx.call("create-vector-store", "POST", "/v1/vector_stores", json=body)
    store_id = ctx.require(store, "id")
    response_id = _create(
        ctx,
        "create",
        input="Search the files: what is the favourite colour of the replay engine?",
        tools=[{"type": "file_search", "vector_store_ids": [store_id]}],
        include=["file_search_call.results"],
    )
    ctx.call("delete", "DELETE", f"/v1/responses/{response_id}")
    ctx.call("delete-vector-store", "DELETE", f"/v1/vector_stores/{store_id}")
    ctx.call("delete-file", "DELETE", f"/v1/files/{file_id}")


COMPACT = "POST /v1/responses/compact"


@scenario(
    SCENARIOS,
    "responses-compact",
    "Compact a conversation into a compaction item, then start a new chain from the compacted window",
    api=API,
    needs=(COMPACT,),
)
def compact(ctx: ScenarioContext) -> None:
    window = [
        _message("user", "We agreed to launch on Tuesday and notify support first."),
        _message("assistant", "Understood. The launch is Tuesday, with support notified beforehand."),
    ]
    compacted = ctx.call(
        "compact",
        "POST",
        "/v1/responses/compact",
        json={"model": ctx.models.chat, "input": window, "prompt_cache_key": "conformance-compact"},
    )
    output = ctx.require(compacted, "output")
    # The compacted window is passed back as it came, plus the next user turn: a new chain, no
    # previous_response_id.
    follow_up = [*output, _message("user", "Continue from here. When is the launch?")]
    response_id = _create(ctx, "continue-from-compaction", input=follow_up)
    ctx.call("delete", "DELETE", f"/v1/responses/{response_id}")
    # OGX keeps the compaction as a response of its own (GET /v1/responses lists it): removed too, so a
    # replay leaves the server as it found it.
    ctx.call("delete-compaction", "DELETE", f"/v1/responses/{ctx.require(compacted, 'id')}")


@scenario(
    SCENARIOS,
    "responses-compact-errors",
    "Compaction without the required model is refused with a JSON error",
    api=API,
    expects_errors=True,
    needs=(COMPACT,),
)
def compact_errors(ctx: ScenarioContext) -> None:
    ctx.call("missing-model", "POST", "/v1/responses/compact", json={"input": [_message("user", "Compact this.")]})


@scenario(
    SCENARIOS,
    "responses-background",
    "A background response, read back once done, and a cancel that comes too late",
    api=API,
    needs=(f"{RESPONSES} {{background}}", "POST /v1/responses/{response_id}/cancel"),
)
def background(ctx: ScenarioContext) -> None:
    response_id = _create(ctx, "create", input="Background work, please.", background=True)
    # Read back until the background task is done (recording and replay poll alike, however busy the
    # machine), so the read-back and the refused cancel are the same every run.
    ctx.call("get-done", "GET", f"/v1/responses/{response_id}", settle=DONE)
    ctx.call("cancel-done", "POST", f"/v1/responses/{response_id}/cancel")
    ctx.call("delete", "DELETE", f"/v1/responses/{response_id}")


@scenario(
    SCENARIOS,
    "responses-include",
    "include options asked for on create",
    api=API,
    needs=(f"{RESPONSES} {{include}}",),
)
def include(ctx: ScenarioContext) -> None:
    content = [
        {"type": "input_text", "text": "Describe this image."},
        {"type": "input_image", "image_url": _data_url("image/png", PNG_IMAGE)},
    ]
    response_id = _create(
        ctx,
        "create",
        input=[_message("user", content)],
        include=["message.output_text.logprobs", "message.input_image.image_url"],
    )
    # Not on the input-items listing: llama-stack 0.7.3 answers its include parameter 501.
    ctx.call("get", "GET", f"/v1/responses/{response_id}")
    ctx.call("delete", "DELETE", f"/v1/responses/{response_id}")


@scenario(
    SCENARIOS,
    "responses-truncation",
    "truncation disabled is accepted and echoed",
    api=API,
    needs=(f"{RESPONSES} {{truncation}}",),
)
def truncation(ctx: ScenarioContext) -> None:
    response_id = _create(ctx, "create", input="A short input that needs no truncation.", truncation="disabled")
    ctx.call("get", "GET", f"/v1/responses/{response_id}")
    ctx.call("delete", "DELETE", f"/v1/responses/{response_id}")


@scenario(
    SCENARIOS,
    "responses-store-false",
    "store false: the response is answered but not kept, so reading it back is 404",
    api=API,
    needs=(f"{RESPONSES} {{store}}",),
)
def store_false(ctx: ScenarioContext) -> None:
    response_id = _create(ctx, "create", input="Do not keep this response.", store=False)
    ctx.call("get-not-stored", "GET", f"/v1/responses/{response_id}")
    streamed = ctx.call(
        "create-stream",
        "POST",
        "/v1/responses",
        json={"model": ctx.models.chat, "input": "Do not keep this stream.", "store": False, "stream": True},
        stream=True,
    )
    created = ctx.find_event(streamed, lambda e: e.get("type") == "response.created")
    ctx.call("get-stream-not-stored", "GET", f"/v1/responses/{ctx.require(created, 'response', 'id')}")
