"""Flows written against the official ``llama-stack-client`` Python SDK, run by the SDK environment's interpreter.

This file imports nothing of ours: it runs where only ``llama-stack-client`` (and its pydantic) is
installed, beside :mod:`flow_harness` (settings, what is printed, how error flows are judged)::

    python llama_stack_client_flows.py < SETTINGS_JSON

One script serves every version the profiles pin (0.3.0 for Llama Stack 0.3, 0.7.5 for 0.7): the
resources both have are called alike, and a flow whose operations a profile's spec lacks (0.7 has no
Agents API, and 0.7.5 no ``client.alpha.agents``) is disabled before it runs. The SDK's paths carry
their version prefix (``/v1/...``, ``/v1alpha/agents``), so the client's base URL is the server's root.

The SDK builds its answers without validating them (Stainless models): a field the server left out
reads as ``None`` where the application reads it, so the flows ``expect`` what they read.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
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
    Skip,
    expect,
    main,
    setup,
)

SDK = "llama_stack_client"
WEATHER_TOOL: dict[str, Any] = {
    "name": TOOL_NAME,
    "description": "The current weather in a city.",
    "input_schema": WEATHER_PARAMETERS,
}
TOOL_RESULT = "Sunny, 21 C"


def _client(settings: Settings, flow: str) -> Any:
    llama_stack_client = importlib.import_module(SDK)
    return llama_stack_client.LlamaStackClient(
        base_url=settings.root_url,
        api_key=settings.given_api_key,  # without --api-key an application sends no credentials
        default_headers={**settings.headers, TAG_HEADER: flow},
        timeout=settings.timeout_s,
        max_retries=0,  # a retry would hide what the server did the first time
    )


def _text(content: Any) -> str:
    """The text of an ``InterleavedContent`` (a string, a text item or a list of items)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(_text(item) for item in content)
    text = getattr(content, "text", None)
    return text if isinstance(text, str) else ""


# ------------------------------------------------------------------ chat completions


def _chunks(stream: Any) -> Iterator[Any]:
    """The stream's chunks, as an application iterates them. llama-stack-client 0.3.0's ``Stream``
    JSON-decodes every event, OpenAI's closing ``data: [DONE]`` line too (0.7.5 stops there), so against a
    server that ends its chat streams the OpenAI way the loop raises after the last chunk. That is what
    this SDK's users meet, so it fails the flow, in words saying so (0.3.0's own server sends no
    ``[DONE]``; the conflict with the chat-stream-done-sentinel rule is the profile's, see the README)."""
    try:
        yield from stream
    except json.JSONDecodeError as exc:
        if exc.doc.strip() == "[DONE]":
            raise AssertionError(
                "iterating the stream raised JSONDecodeError at its closing `data: [DONE]` line: this SDK "
                "JSON-decodes every event, so an application's loop over the chunks fails after the last one"
            ) from exc
        raise


def chat_stream(client: Any, s: Settings) -> None:
    stream = client.chat.completions.create(
        model=s.chat_model, messages=[{"role": "user", "content": PROMPT}], stream=True
    )
    text = ""
    with stream:
        for chunk in _chunks(stream):
            for choice in chunk.choices:
                text += choice.delta.content or ""
    expect(bool(text), "the stream's deltas carry no text")


# ------------------------------------------------------------------ responses


def responses_input_items(client: Any, s: Settings) -> None:
    created = new_response(client, s)
    listed = client.responses.input_items.list(created.id)
    expect(isinstance(listed.data, list), "input items are not a list")


def responses_delete(client: Any, s: Settings) -> None:
    created = new_response(client, s)
    deleted = client.responses.delete(created.id)
    expect(deleted.id == created.id, f"deleted {deleted.id!r}, asked for {created.id!r}")


# ------------------------------------------------------------------ embeddings, models


def _model_id(model: Any) -> Any:
    """The id an application reads: ``identifier`` where the SDK's model declares it (0.3.0's ``Model``,
    both versions' retrieve answers), else ``id`` (0.7.5's OpenAI-style listing)."""
    declared = getattr(type(model), "model_fields", None) or getattr(type(model), "__fields__", {})
    return model.identifier if "identifier" in declared else model.id


def models_list(client: Any, s: Settings) -> None:
    ids = [_model_id(model) for model in client.models.list()]
    expect(s.chat_model in ids, f"the chat model {s.chat_model!r} is not among the listed ids {ids[:5]}")


def models_retrieve(client: Any, s: Settings) -> None:
    model = client.models.retrieve(s.chat_model)
    expect(_model_id(model) == s.chat_model, f"retrieved model {_model_id(model)!r}, asked for {s.chat_model!r}")


# ------------------------------------------------------------------ conversations


# ------------------------------------------------------------------ files, vector stores

_FILE = ("conformance.txt", b"The conformance suite uploaded this file.\n", "text/plain")


def _upload(client: Any) -> Any:
    return client.files.create(file=_FILE, purpose="assistants")


def files_create(client: Any, s: Settings) -> None:
    uploaded = _upload(client)
    expect(isinstance(uploaded.id, str) and bool(uploaded.id), "the file has no id")
    expect(uploaded.filename == _FILE[0], f"the file is named {uploaded.filename!r}, not {_FILE[0]!r}")
    client.files.delete(uploaded.id)  # clean-up; its own case judges it


def files_retrieve(client: Any, s: Settings) -> None:
    uploaded = setup("files.create", lambda: _upload(client))
    retrieved = client.files.retrieve(uploaded.id)
    expect(retrieved.id == uploaded.id, f"retrieved {retrieved.id!r}, asked for {uploaded.id!r}")
    client.files.delete(uploaded.id)


def files_delete(client: Any, s: Settings) -> None:
    uploaded = setup("files.create", lambda: _upload(client))
    deleted = client.files.delete(uploaded.id)
    expect(deleted.deleted is True, f"deleted is {deleted.deleted!r}, not true")


def _new_store(client: Any) -> Any:
    return client.vector_stores.create(name="conformance")


def vector_stores_create(client: Any, s: Settings) -> None:
    store = _new_store(client)
    expect(isinstance(store.id, str) and bool(store.id), "the vector store has no id")
    client.vector_stores.delete(store.id)  # clean-up; its own case judges it


def vector_stores_retrieve(client: Any, s: Settings) -> None:
    store = setup("vector-stores.create", lambda: _new_store(client))
    retrieved = client.vector_stores.retrieve(store.id)
    expect(retrieved.id == store.id, f"retrieved {retrieved.id!r}, asked for {store.id!r}")
    client.vector_stores.delete(store.id)


def vector_stores_delete(client: Any, s: Settings) -> None:
    store = setup("vector-stores.create", lambda: _new_store(client))
    deleted = client.vector_stores.delete(store.id)
    expect(deleted.deleted is True, f"deleted is {deleted.deleted!r}, not true")


# ------------------------------------------------------------------ agents (client.alpha.agents, 0.3.x)


def _agents(client: Any) -> Any:
    alpha = getattr(client, "alpha", None)
    agents = getattr(alpha, "agents", None)
    if agents is None:
        version = importlib.import_module(SDK).__version__
        raise Skip(f"llama-stack-client {version} has no client.alpha.agents (the Agents API)")
    return agents


def _agent_config(s: Settings, **config: Any) -> dict[str, Any]:
    return {"model": s.chat_model, "instructions": "You are a helpful assistant. Be brief.", **config}


def _id_of(answer: Any, field: str) -> str:
    value = getattr(answer, field)
    expect(isinstance(value, str) and bool(value), f"the answer has no {field}")
    return str(value)


def _new_agent(client: Any, s: Settings, **config: Any) -> str:
    agents = _agents(client)
    agent_id: str = setup(
        "agents.create", lambda: _id_of(agents.create(agent_config=_agent_config(s, **config)), "agent_id")
    )
    return agent_id


def _new_session(client: Any, agent_id: str) -> str:
    sessions = _agents(client).session
    session_id: str = setup(
        "agents.session-create", lambda: _id_of(sessions.create(agent_id, session_name="conformance"), "session_id")
    )
    return session_id


def _consume(stream: Any) -> tuple[list[Any], str]:
    """Every event payload of an agent turn stream, and the text its inference steps streamed."""
    payloads, text = [], ""
    with stream:
        for chunk in stream:
            payload = chunk.event.payload
            payloads.append(payload)
            if payload.event_type == "step_progress" and payload.delta.type == "text":
                text += payload.delta.text
    return payloads, text


def _last_turn(payloads: list[Any], event_type: str) -> Any:
    """The turn of the stream's last event, which must be ``event_type``, with the output message the
    SDK's ``Turn`` requires."""
    kinds = [p.event_type for p in payloads]
    expect(
        bool(kinds) and kinds[-1] == event_type,
        f"the turn stream does not end with {event_type} (saw {', '.join(kinds[-6:]) or 'no events'})",
    )
    turn = payloads[-1].turn
    expect(turn is not None, f"the {event_type} event carries no turn")
    expect(turn.output_message is not None, f"the turn of {event_type} has no output_message")
    return turn


def agents_create(client: Any, s: Settings) -> None:
    created = _agents(client).create(agent_config=_agent_config(s))
    expect(isinstance(created.agent_id, str) and bool(created.agent_id), "the agent has no agent_id")


def agents_session_create(client: Any, s: Settings) -> None:
    agent_id = _new_agent(client, s)
    created = _agents(client).session.create(agent_id, session_name="conformance")
    expect(isinstance(created.session_id, str) and bool(created.session_id), "the session has no session_id")


def agents_turn_stream(client: Any, s: Settings) -> None:
    agent_id = _new_agent(client, s)
    session_id = _new_session(client, agent_id)
    stream = _agents(client).turn.create(
        session_id, agent_id=agent_id, messages=[{"role": "user", "content": PROMPT}], stream=True
    )
    payloads, text = _consume(stream)
    turn = _last_turn(payloads, "turn_complete")
    expect(bool(text), "the turn's step_progress events carry no text")
    expect(isinstance(turn.turn_id, str) and bool(turn.turn_id), "the completed turn has no turn_id")
    expect(turn.session_id == session_id, f"the turn is of session {turn.session_id!r}, not {session_id!r}")
    expect(bool(_text(turn.output_message.content)), "the completed turn's output_message has no text")


def agents_turn_client_tool(client: Any, s: Settings) -> None:
    """A client tool: the turn pauses with turn_awaiting_input naming the call, the application runs the
    tool and resumes the turn with its result, and the turn completes with an answer."""
    agent_id = _new_agent(client, s, client_tools=[WEATHER_TOOL])
    session_id = _new_session(client, agent_id)
    agents = _agents(client)
    stream = agents.turn.create(
        session_id, agent_id=agent_id, messages=[{"role": "user", "content": TOOL_PROMPT}], stream=True
    )
    paused = _last_turn(_consume(stream)[0], "turn_awaiting_input")
    calls = paused.output_message.tool_calls or []
    expect(bool(calls), "the paused turn's output_message has no tool call (the prompt names the client tool)")
    expect(calls[0].tool_name == TOOL_NAME, f"the paused turn calls {calls[0].tool_name!r}, not {TOOL_NAME!r}")
    answer = {"call_id": calls[0].call_id, "tool_name": calls[0].tool_name, "content": TOOL_RESULT}
    resumed = agents.turn.resume(
        paused.turn_id, agent_id=agent_id, session_id=session_id, tool_responses=[answer], stream=True
    )
    turn = _last_turn(_consume(resumed)[0], "turn_complete")
    expect(turn.turn_id == paused.turn_id, f"the resumed turn is {turn.turn_id!r}, not {paused.turn_id!r}")
    expect(bool(_text(turn.output_message.content)), "the resumed turn's output_message has no text")


# ------------------------------------------------------------------ errors (each must raise its situation's class)


def errors_unknown_route(client: Any, s: Settings) -> None:
    client.get("/v1/conformance-unknown-route", cast_to=object)  # the SDK's raw request


def errors_no_auth(client: Any, s: Settings) -> None:
    s.needs_api_key()
    omit = importlib.import_module(SDK).omit
    client.models.list(extra_headers={"Authorization": omit})  # omit: the header is not sent


FLOWS: dict[str, Flow] = {
    "chat.create": chat_create,
    "chat.stream": chat_stream,
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
    "agents.create": agents_create,
    "agents.session-create": agents_session_create,
    "agents.turn-stream": agents_turn_stream,
    "agents.turn-client-tool": agents_turn_client_tool,
    "errors.unknown-id": errors_unknown_id,
    "errors.invalid-body": errors_invalid_body,
    "errors.unknown-route": errors_unknown_route,
    "errors.unknown-model": errors_unknown_model,
    "errors.no-auth": errors_no_auth,
    "errors.wrong-auth": errors_wrong_auth,
}


if __name__ == "__main__":
    sys.exit(main("llama-stack-client", importlib.import_module(SDK).__version__, FLOWS, _client))
