"""Flows written once for the SDKs whose surface is the same: ``openai``, ``llama-stack-client`` and
``ogx-client`` call ``client.responses.create(model=..., input=...)`` and friends alike. A flow script
imports the ones its SDK shares and writes its own where the SDK differs.

Like the harness beside it, this file imports nothing of ours (it runs in an SDK's environment).
"""

from __future__ import annotations

from typing import Any

from flow_harness import PROMPT, UNKNOWN_MODEL, Settings, Skip, expect, setup

__all__ = [
    "chat_create",
    "conversations_create",
    "conversations_delete",
    "conversations_retrieve",
    "embeddings_create",
    "errors_invalid_body",
    "errors_unknown_id",
    "errors_unknown_model",
    "errors_wrong_auth",
    "new_response",
    "responses_create",
    "responses_retrieve",
    "responses_stream",
]


def chat_create(client: Any, s: Settings) -> None:
    completion = client.chat.completions.create(model=s.chat_model, messages=[{"role": "user", "content": PROMPT}])
    expect(bool(completion.choices), "the completion has no choices")
    expect(isinstance(completion.choices[0].message.content, str), "choices[0].message.content is not text")


def new_response(client: Any, s: Settings) -> Any:
    return setup("responses.create", lambda: client.responses.create(model=s.chat_model, input=PROMPT))


def responses_create(client: Any, s: Settings) -> None:
    response = client.responses.create(model=s.chat_model, input=PROMPT)
    expect(isinstance(response.id, str) and bool(response.id), "the response has no id")
    expect(bool(response.output_text), "response.output_text is empty")


def responses_stream(client: Any, s: Settings) -> None:
    stream = client.responses.create(model=s.chat_model, input=PROMPT, stream=True)
    kinds = []
    with stream:
        for event in stream:
            kinds.append(event.type)
    expect("response.completed" in kinds, f"no response.completed event (saw {', '.join(kinds[:8]) or 'none'})")


def responses_retrieve(client: Any, s: Settings) -> None:
    created = new_response(client, s)
    retrieved = client.responses.retrieve(created.id)
    expect(retrieved.id == created.id, f"retrieved {retrieved.id!r}, asked for {created.id!r}")


def embeddings_create(client: Any, s: Settings) -> None:
    if not s.embedding_model:
        raise Skip("GET /v1/models lists no embedding model")
    result = client.embeddings.create(model=s.embedding_model, input="conformance")
    expect(bool(result.data), "the embedding list is empty")
    vector = result.data[0].embedding
    expect(isinstance(vector, list) and bool(vector), "data[0].embedding is not a list of numbers")


def conversations_create(client: Any, s: Settings) -> None:
    conversation = client.conversations.create(items=[{"type": "message", "role": "user", "content": PROMPT}])
    expect(isinstance(conversation.id, str) and bool(conversation.id), "the conversation has no id")
    client.conversations.delete(conversation.id)


def conversations_retrieve(client: Any, s: Settings) -> None:
    created = setup("conversations.create", client.conversations.create)
    retrieved = client.conversations.retrieve(created.id)
    expect(retrieved.id == created.id, f"retrieved {retrieved.id!r}, asked for {created.id!r}")
    client.conversations.delete(created.id)


def conversations_delete(client: Any, s: Settings) -> None:
    created = setup("conversations.create", client.conversations.create)
    deleted = client.conversations.delete(created.id)
    expect(deleted.deleted is True, f"deleted is {deleted.deleted!r}, not true")


def errors_unknown_id(client: Any, s: Settings) -> None:
    client.responses.retrieve("resp_conformance_unknown")


def errors_invalid_body(client: Any, s: Settings) -> None:
    client.chat.completions.create(model=s.chat_model, messages="not a list of messages")


def errors_unknown_model(client: Any, s: Settings) -> None:
    client.chat.completions.create(model=UNKNOWN_MODEL, messages=[{"role": "user", "content": PROMPT}])


def errors_wrong_auth(client: Any, s: Settings) -> None:
    s.needs_api_key()
    client.with_options(api_key="conformance-wrong-key").models.list()
