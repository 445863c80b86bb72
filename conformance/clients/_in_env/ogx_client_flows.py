"""Flows written against the ``ogx-client`` Python SDK (1.5, OpenAPI Generator), run by its environment's interpreter.

This file imports nothing of ours: it runs where only ``ogx-client`` (and its pydantic, httpx) is
installed, beside :mod:`flow_harness` (settings, what is printed, how error flows are judged)::

    python ogx_client_flows.py < SETTINGS_JSON

Unlike the Stainless SDKs, ``ogx-client`` builds every request body as one of its pydantic models and
parses every answer into one (``OpenAIChatCompletion``, ``Conversation``...): a field its model requires
and the server leaves out raises a ``ValidationError`` (the finding). Two of its habits shape the flows:

* its stream decoder swallows a chunk or event it cannot parse and hands the application the raw
  JSON ``dict`` instead (logging why at debug level): :func:`_parsed` makes that the flow's failure,
  with the SDK's own reason;
* serialising a request body warns (``Pydantic serializer warnings`` about the content unions of
  its message models) whatever the server does: those warnings say nothing about the server and are
  ignored (:func:`_as_app`); every other warning is still reported.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import sys
import warnings
from collections.abc import Callable
from typing import Any

from common_flows import (
    chat_create,
    embeddings_create,
    errors_unknown_id,
    errors_unknown_model,
    new_response,
    responses_create,
    responses_retrieve,
)
from flow_harness import (
    PROMPT,
    TAG_HEADER,
    TOOL_NAME,
    TOOL_PROMPT,
    WEATHER_PARAMETERS,
    Flow,
    Settings,
    expect,
    main,
    setup,
)

WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {"name": TOOL_NAME, "description": "The current weather in a city.", "parameters": WEATHER_PARAMETERS},
}
FILE_NAME = "conformance.txt"
FILE_TEXT = b"The conformance suite stores this file to search it."
_SDK_NOISE = r"Pydantic serializer warnings"
"""What ogx-client 1.5.0 warns while it serialises its own request models (every chat message)."""


class _Rejections(logging.Handler):
    """The SDK's debug lines about a streamed chunk or event it could not parse (``Failed to deserialize as ...``)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.reasons: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("Failed to deserialize"):
            self.reasons.append(" ".join(message.split()))


REJECTIONS = _Rejections()
for _api in ("ChatCompletionsApi", "ResponsesApi"):  # the loggers of the APIs whose streams the flows read
    _logger = logging.getLogger(_api)
    _logger.setLevel(logging.DEBUG)
    _logger.addHandler(REJECTIONS)
    _logger.propagate = False


def _client(settings: Settings, flow: str, *, api_key: str | None = "") -> Any:
    """A client as an application makes one; ``api_key=None`` sends no ``Authorization`` at all."""
    ogx_client = importlib.import_module("ogx_client")
    return ogx_client.OgxClient(
        base_url=settings.root_url,  # the SDK's paths carry /v1
        api_key=settings.api_key if api_key == "" else api_key,
        default_headers={**settings.headers, TAG_HEADER: flow},
        timeout=settings.timeout_s,
        # retries stays None: httpx's own transport, which retries nothing, so the server's first answer is judged
    )


def _as_app(flow: Flow) -> Flow:
    """Run ``flow`` without the SDK's own request-serialisation warnings (see the module's docstring), and
    close its client after it, as an application does (else the garbage collector's ``ResourceWarning``
    about the client's sockets lands in a later flow). ``OgxClient.close`` of 1.5.0 calls a method its
    ``ApiClient`` lacks; leaving the ``ApiClient``'s own context closes its connections."""

    def run(client: Any, s: Settings) -> None:
        with warnings.catch_warnings(), client.api_client:
            warnings.filterwarnings("ignore", message=_SDK_NOISE, category=UserWarning)
            flow(client, s)

    return run


def _parsed(item: Any, what: str) -> Any:
    """A streamed chunk or event as the SDK's model; the raw JSON it falls back to is the flow's failure."""
    if isinstance(item, dict):
        why = REJECTIONS.reasons[-1] if REJECTIONS.reasons else "it logged no reason"
        raise AssertionError(f"ogx-client could not parse {what} and handed back its raw JSON: {why}")
    return item


def _clean_up(remove: Callable[[], Any]) -> None:
    """Remove what the flow made; a failure is left to the case that judges the delete, not this flow."""
    with contextlib.suppress(Exception):
        remove()


def _streamed(stream: Any, what: str) -> list[Any]:
    REJECTIONS.reasons.clear()
    with stream:
        return [_parsed(item, f"{what} {n}") for n, item in enumerate(stream)]


# ------------------------------------------------------------------ chat completions


def chat_stream(client: Any, s: Settings) -> None:
    stream = client.chat.completions.create(
        model=s.chat_model, messages=[{"role": "user", "content": PROMPT}], stream=True
    )
    text = ""
    for chunk in _streamed(stream, "chat completion chunk"):
        for choice in chunk.choices:
            text += choice.delta.content or ""
    expect(bool(text), "the stream's deltas carry no text")


def chat_stream_tools(client: Any, s: Settings) -> None:
    """A streamed tool call, merged by ``index`` as an application does: the name, then the arguments' pieces."""
    stream = client.chat.completions.create(
        model=s.chat_model, messages=[{"role": "user", "content": TOOL_PROMPT}], tools=[WEATHER_TOOL], stream=True
    )
    calls: dict[int, dict[str, str]] = {}
    for chunk in _streamed(stream, "chat completion chunk"):
        for choice in chunk.choices:
            for delta in choice.delta.tool_calls or []:
                call = calls.setdefault(delta.index, {"name": "", "arguments": ""})
                if delta.function is not None:
                    call["name"] += delta.function.name or ""
                    call["arguments"] += delta.function.arguments or ""
    expect(bool(calls), "the stream carries no tool call (the prompt names the only tool offered)")
    first = calls[min(calls)]
    expect(first["name"] == TOOL_NAME, f"the tool call names {first['name']!r}, not {TOOL_NAME!r}")
    try:
        json.loads(first["arguments"])
    except ValueError as exc:
        raise AssertionError(f"the merged arguments {first['arguments']!r} are not JSON ({exc})") from None


# ------------------------------------------------------------------ responses


def responses_stream(client: Any, s: Settings) -> None:
    stream = client.responses.create(model=s.chat_model, input=PROMPT, stream=True)
    events = _streamed(stream, "response stream event")
    kinds = [event.type for event in events]
    completed = [event for event in events if event.type == "response.completed"]
    expect(bool(completed), f"no response.completed event (saw {', '.join(kinds[:8]) or 'none'})")
    expect(bool(completed[-1].response.output_text), "the completed response's output_text is empty")


def responses_input_items(client: Any, s: Settings) -> None:
    created = new_response(client, s)
    items = client.responses.input_items.list(created.id)
    expect(isinstance(items.data, list), "the input items' data is not a list")


def responses_delete(client: Any, s: Settings) -> None:
    created = new_response(client, s)
    deleted = client.responses.delete(created.id)
    expect(deleted.id == created.id, f"deleted {deleted.id!r}, asked for {created.id!r}")


# ------------------------------------------------------------------ embeddings, models


def models_list(client: Any, s: Settings) -> None:
    ids = [model.id for model in client.models.list().data]
    expect(s.chat_model in ids, f"the chat model {s.chat_model!r} is not among the listed ids {ids[:5]}")


def models_retrieve(client: Any, s: Settings) -> None:
    model = client.models.retrieve(s.chat_model)
    expect(model.identifier == s.chat_model, f"retrieved model {model.identifier!r}, asked for {s.chat_model!r}")


# ------------------------------------------------------------------ conversations


def _new_conversation(client: Any) -> Any:
    return setup("conversations.create", lambda: client.conversations.create(items=[]))


def conversations_create(client: Any, s: Settings) -> None:
    conversation = client.conversations.create(items=[{"type": "message", "role": "user", "content": PROMPT}])
    expect(isinstance(conversation.id, str) and bool(conversation.id), "the conversation has no id")
    _clean_up(lambda: client.conversations.delete(conversation.id))


def conversations_retrieve(client: Any, s: Settings) -> None:
    created = _new_conversation(client)
    retrieved = client.conversations.retrieve(created.id)
    expect(retrieved.id == created.id, f"retrieved {retrieved.id!r}, asked for {created.id!r}")
    _clean_up(lambda: client.conversations.delete(created.id))


def conversations_delete(client: Any, s: Settings) -> None:
    created = _new_conversation(client)
    deleted = client.conversations.delete(created.id)
    expect(deleted.deleted is True, f"deleted is {deleted.deleted!r}, not true")


# ------------------------------------------------------------------ files, vector stores


def _upload(client: Any) -> Any:
    return client.files.create(file=(FILE_NAME, FILE_TEXT), purpose="assistants")


def _new_file(client: Any) -> Any:
    return setup("files.create", lambda: _upload(client))


def files_create(client: Any, s: Settings) -> None:
    uploaded = _upload(client)
    expect(isinstance(uploaded.id, str) and bool(uploaded.id), "the file has no id")
    expect(uploaded.bytes == len(FILE_TEXT), f"the file has {uploaded.bytes} bytes, {len(FILE_TEXT)} were sent")
    _clean_up(lambda: client.files.delete(uploaded.id))


def files_retrieve(client: Any, s: Settings) -> None:
    uploaded = _new_file(client)
    retrieved = client.files.retrieve(uploaded.id)
    expect(retrieved.id == uploaded.id, f"retrieved {retrieved.id!r}, asked for {uploaded.id!r}")
    expect(retrieved.filename == FILE_NAME, f"the file is named {retrieved.filename!r}, {FILE_NAME!r} was sent")
    _clean_up(lambda: client.files.delete(uploaded.id))


def files_delete(client: Any, s: Settings) -> None:
    uploaded = _new_file(client)
    deleted = client.files.delete(uploaded.id)
    expect(deleted.deleted is True, f"deleted is {deleted.deleted!r}, not true")


def _new_vector_store(client: Any) -> Any:
    return setup("vector-stores.create", lambda: client.vector_stores.create(name="conformance"))


def vector_stores_create(client: Any, s: Settings) -> None:
    store = client.vector_stores.create(name="conformance")
    expect(isinstance(store.id, str) and bool(store.id), "the vector store has no id")
    _clean_up(lambda: client.vector_stores.delete(store.id))


def vector_stores_retrieve(client: Any, s: Settings) -> None:
    store = _new_vector_store(client)
    retrieved = client.vector_stores.retrieve(store.id)
    expect(retrieved.id == store.id, f"retrieved {retrieved.id!r}, asked for {store.id!r}")
    _clean_up(lambda: client.vector_stores.delete(store.id))


def vector_stores_delete(client: Any, s: Settings) -> None:
    store = _new_vector_store(client)
    deleted = client.vector_stores.delete(store.id)
    expect(deleted.deleted is True, f"deleted is {deleted.deleted!r}, not true")


def vector_stores_files_create(client: Any, s: Settings) -> None:
    """Attach an uploaded file to a vector store (what file search needs)."""
    uploaded = _new_file(client)
    try:
        store = _new_vector_store(client)
        try:
            attached = client.vector_stores.files.create(store.id, file_id=uploaded.id)
            expect(attached.id == uploaded.id, f"the attached file is {attached.id!r}, not {uploaded.id!r}")
            expect(attached.vector_store_id == store.id, f"attached to {attached.vector_store_id!r}, not {store.id!r}")
        finally:
            _clean_up(lambda: client.vector_stores.delete(store.id))
    finally:
        _clean_up(lambda: client.files.delete(uploaded.id))


# ------------------------------------------------------------------ errors (each must raise its situation's class)


def errors_invalid_body(client: Any, s: Settings) -> None:
    """ogx-client cannot send a ``messages`` that is not a list (it sends a string as the list of its
    characters), so the invalid body is a list whose item is not a message."""
    client.chat.completions.create(model=s.chat_model, messages=["not a message"])


def errors_unknown_route(client: Any, s: Settings) -> None:
    """No API has the path, so the SDK's own request plumbing sends it (as its API classes do)."""
    api = client.api_client
    request = api.param_serialize(method="GET", resource_path="/v1/conformance-unknown-route")
    answer = api.call_api(*request, _request_timeout=s.timeout_s)
    answer.read()
    api.response_deserialize(response_data=answer, response_types_map={"200": "object"})


def errors_no_auth(client: Any, s: Settings) -> None:
    s.needs_api_key()
    anonymous = _client(s, "errors.no-auth", api_key=None)
    with anonymous.api_client:
        anonymous.models.list()


def errors_wrong_auth(client: Any, s: Settings) -> None:
    s.needs_api_key()
    wrong = _client(s, "errors.wrong-auth", api_key="conformance-wrong-key")
    with wrong.api_client:
        wrong.models.list()


_FLOWS: dict[str, Callable[[Any, Settings], None]] = {
    "chat.create": chat_create,
    "chat.stream": chat_stream,
    "chat.stream-tools": chat_stream_tools,
    "responses.create": responses_create,
    "responses.stream": responses_stream,
    "responses.retrieve": responses_retrieve,
    "responses.input-items": responses_input_items,
    "responses.delete": responses_delete,
    "embeddings.create": embeddings_create,
    "models.list": models_list,
    "models.retrieve": models_retrieve,
    "conversations.create": conversations_create,
    "conversations.retrieve": conversations_retrieve,
    "conversations.delete": conversations_delete,
    "files.create": files_create,
    "files.retrieve": files_retrieve,
    "files.delete": files_delete,
    "vector-stores.create": vector_stores_create,
    "vector-stores.retrieve": vector_stores_retrieve,
    "vector-stores.delete": vector_stores_delete,
    "vector-stores.files-create": vector_stores_files_create,
    "errors.unknown-id": errors_unknown_id,
    "errors.invalid-body": errors_invalid_body,
    "errors.unknown-route": errors_unknown_route,
    "errors.unknown-model": errors_unknown_model,
    "errors.no-auth": errors_no_auth,
    "errors.wrong-auth": errors_wrong_auth,
}
FLOWS: dict[str, Flow] = {name: _as_app(flow) for name, flow in _FLOWS.items()}


if __name__ == "__main__":
    sys.exit(main("ogx-client", importlib.import_module("ogx_client").__version__, FLOWS, _client))
