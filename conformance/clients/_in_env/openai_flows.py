"""Flows written against the official ``openai`` Python SDK, run by the SDK environment's interpreter.

This file imports nothing of ours: it runs where only ``openai`` (and its pydantic) is installed,
beside :mod:`flow_harness` (settings, what is printed, how error flows are judged)::

    python openai_flows.py < SETTINGS_JSON
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any

from common_flows import (
    chat_create,
    conversations_create,
    conversations_delete,
    conversations_retrieve,
    embeddings_create,
    errors_invalid_body,
    errors_unknown_id,
    errors_unknown_model,
    errors_wrong_auth,
    new_response,
    responses_create,
    responses_retrieve,
    responses_stream,
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
from pydantic import BaseModel

WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {"name": TOOL_NAME, "description": "The current weather in a city.", "parameters": WEATHER_PARAMETERS},
}


class Greeting(BaseModel):
    """The structured output ``parse`` asks for (a pydantic text format / response format)."""

    greeting: str
    audience: str


def _client(settings: Settings, flow: str) -> Any:
    openai = importlib.import_module("openai")
    return openai.OpenAI(
        base_url=settings.base_url,
        api_key=settings.api_key,
        default_headers={**settings.headers, TAG_HEADER: flow},
        timeout=settings.timeout_s,
        max_retries=0,  # a retry would hide what the server did the first time
    )


# ------------------------------------------------------------------ chat completions


def chat_stream(client: Any, s: Settings) -> None:
    stream = client.chat.completions.create(
        model=s.chat_model, messages=[{"role": "user", "content": PROMPT}], stream=True
    )
    text = ""
    with stream:
        for chunk in stream:
            for choice in chunk.choices:
                text += choice.delta.content or ""
    expect(bool(text), "the stream's deltas carry no text")


def chat_stream_helper_tools(client: Any, s: Settings) -> None:
    with client.chat.completions.stream(
        model=s.chat_model, messages=[{"role": "user", "content": TOOL_PROMPT}], tools=[WEATHER_TOOL]
    ) as stream:
        for _event in stream:
            pass
        completion = stream.get_final_completion()
    calls = completion.choices[0].message.tool_calls or []
    expect(bool(calls), "the final completion has no tool call (the prompt names the only tool offered)")
    expect(calls[0].function.name == TOOL_NAME, f"the tool call names {calls[0].function.name!r}, not {TOOL_NAME!r}")
    json.loads(calls[0].function.arguments)


def chat_parse(client: Any, s: Settings) -> None:
    completion = client.chat.completions.parse(
        model=s.chat_model, messages=[{"role": "user", "content": PROMPT}], response_format=Greeting
    )
    parsed = completion.choices[0].message.parsed
    expect(isinstance(parsed, Greeting), f"message.parsed is {type(parsed).__name__}, not a Greeting")


# ------------------------------------------------------------------ responses


def responses_stream_helper(client: Any, s: Settings) -> None:
    with client.responses.stream(model=s.chat_model, input=PROMPT) as stream:
        for _event in stream:
            pass
        response = stream.get_final_response()
    expect(bool(response.output_text), "the final response's output_text is empty")


def responses_parse(client: Any, s: Settings) -> None:
    response = client.responses.parse(model=s.chat_model, input=PROMPT, text_format=Greeting)
    parsed = response.output_parsed
    expect(isinstance(parsed, Greeting), f"output_parsed is {type(parsed).__name__}, not a Greeting")


def responses_input_items(client: Any, s: Settings) -> None:
    created = new_response(client, s)
    page = client.responses.input_items.list(created.id)
    items = list(page)
    expect(isinstance(items, list), "input items are not a list")


def responses_delete(client: Any, s: Settings) -> None:
    created = new_response(client, s)
    client.responses.delete(created.id)


# ------------------------------------------------------------------ embeddings, models


def models_list(client: Any, s: Settings) -> None:
    ids = [model.id for model in client.models.list()]
    expect(s.chat_model in ids, f"the chat model {s.chat_model!r} is not among the listed ids {ids[:5]}")


def models_retrieve(client: Any, s: Settings) -> None:
    model = client.models.retrieve(s.chat_model)
    expect(model.id == s.chat_model, f"retrieved model id {model.id!r}, asked for {s.chat_model!r}")


# ------------------------------------------------------------------ conversations


# ------------------------------------------------------------------ files, vector stores

FILE_NAME = "conformance.txt"
FILE_TEXT = b"The conformance suite checks that Paris is the capital of France.\n"


def _upload(client: Any) -> Any:
    return client.files.create(file=(FILE_NAME, FILE_TEXT, "text/plain"), purpose="assistants")


def _new_file(client: Any) -> Any:
    return setup("files.create", lambda: _upload(client))


def files_create(client: Any, s: Settings) -> None:
    uploaded = _upload(client)
    expect(isinstance(uploaded.id, str) and bool(uploaded.id), "the file has no id")
    expect(uploaded.filename == FILE_NAME, f"filename is {uploaded.filename!r}, not {FILE_NAME!r}")
    expect(uploaded.bytes == len(FILE_TEXT), f"bytes is {uploaded.bytes!r}, the upload had {len(FILE_TEXT)}")
    client.files.delete(uploaded.id)  # clean-up; its own case judges it


def files_retrieve(client: Any, s: Settings) -> None:
    uploaded = _new_file(client)
    retrieved = client.files.retrieve(uploaded.id)
    expect(retrieved.id == uploaded.id, f"retrieved {retrieved.id!r}, asked for {uploaded.id!r}")
    client.files.delete(uploaded.id)


def files_list(client: Any, s: Settings) -> None:
    uploaded = _new_file(client)
    ids = [f.id for f in client.files.list()]
    expect(uploaded.id in ids, f"the uploaded file {uploaded.id!r} is not listed ({len(ids)} files listed)")
    client.files.delete(uploaded.id)


def files_content(client: Any, s: Settings) -> None:
    uploaded = _new_file(client)
    content = client.files.content(uploaded.id).read()
    expect(content == FILE_TEXT, f"the content is {content[:80]!r}, not the {len(FILE_TEXT)} bytes uploaded")
    client.files.delete(uploaded.id)


def files_delete(client: Any, s: Settings) -> None:
    uploaded = _new_file(client)
    deleted = client.files.delete(uploaded.id)
    expect(deleted.deleted is True, f"deleted is {deleted.deleted!r}, not true")


def _new_store(client: Any) -> Any:
    return setup("vector-stores.create", lambda: client.vector_stores.create(name="conformance"))


def vector_stores_create(client: Any, s: Settings) -> None:
    store = client.vector_stores.create(name="conformance")
    expect(isinstance(store.id, str) and bool(store.id), "the vector store has no id")
    expect(store.name == "conformance", f"name is {store.name!r}, not 'conformance'")
    client.vector_stores.delete(store.id)


def vector_stores_retrieve(client: Any, s: Settings) -> None:
    store = _new_store(client)
    retrieved = client.vector_stores.retrieve(store.id)
    expect(retrieved.id == store.id, f"retrieved {retrieved.id!r}, asked for {store.id!r}")
    client.vector_stores.delete(store.id)


def vector_stores_delete(client: Any, s: Settings) -> None:
    store = _new_store(client)
    deleted = client.vector_stores.delete(store.id)
    expect(deleted.deleted is True, f"deleted is {deleted.deleted!r}, not true")


def vector_stores_files_create(client: Any, s: Settings) -> None:
    """Attach an uploaded file and wait, as ``create_and_poll`` does, until it is processed."""
    store, uploaded = _new_store(client), _new_file(client)
    attached = client.vector_stores.files.create_and_poll(file_id=uploaded.id, vector_store_id=store.id)
    expect(attached.status == "completed", f"the file's status is {attached.status!r} (error: {attached.last_error})")
    client.vector_stores.delete(store.id)
    client.files.delete(uploaded.id)


def vector_stores_search(client: Any, s: Settings) -> None:
    store, uploaded = _new_store(client), _new_file(client)
    setup(
        "vector-stores.files-create",
        lambda: client.vector_stores.files.create_and_poll(file_id=uploaded.id, vector_store_id=store.id),
    )
    results = list(client.vector_stores.search(store.id, query="What is the capital of France?"))
    expect(bool(results), "the search found nothing in the one file the store holds")
    texts = [part.text for result in results for part in result.content]
    expect(any("Paris" in text for text in texts), f"no result holds the file's text ({texts[:2]})")
    client.vector_stores.delete(store.id)
    client.files.delete(uploaded.id)


# ------------------------------------------------------------------ errors (each must raise its situation's class)


def errors_unknown_route(client: Any, s: Settings) -> None:
    client.get("/conformance-unknown-route", cast_to=object)


def errors_no_auth(client: Any, s: Settings) -> None:
    s.needs_api_key()
    openai = importlib.import_module("openai")
    client.models.list(extra_headers={"Authorization": openai.omit})  # omit: the header is not sent


FLOWS: dict[str, Flow] = {
    "chat.create": chat_create,
    "chat.stream": chat_stream,
    "chat.stream-helper-tools": chat_stream_helper_tools,
    "chat.parse": chat_parse,
    "responses.create": responses_create,
    "responses.stream": responses_stream,
    "responses.stream-helper": responses_stream_helper,
    "responses.parse": responses_parse,
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
    "files.list": files_list,
    "files.content": files_content,
    "files.delete": files_delete,
    "vector-stores.create": vector_stores_create,
    "vector-stores.retrieve": vector_stores_retrieve,
    "vector-stores.delete": vector_stores_delete,
    "vector-stores.files-create": vector_stores_files_create,
    "vector-stores.search": vector_stores_search,
    "errors.unknown-id": errors_unknown_id,
    "errors.invalid-body": errors_invalid_body,
    "errors.unknown-route": errors_unknown_route,
    "errors.unknown-model": errors_unknown_model,
    "errors.no-auth": errors_no_auth,
    "errors.wrong-auth": errors_wrong_auth,
}


if __name__ == "__main__":
    sys.exit(main("openai", importlib.import_module("openai").__version__, FLOWS, _client))
