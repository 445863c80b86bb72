"""Flows written against the official ``openai`` Python SDK, run by the SDK environment's interpreter.

This file imports nothing of ours: it runs where only ``openai`` (and its pydantic) is installed.
Usage::

    python openai_flows.py < SETTINGS_JSON

The settings (on stdin, so the API key is not in the process list) are ``{"base_url", "api_key",
"headers", "timeout_s", "chat_model", "embedding_model", "flows": [...]}``. Each flow runs with the real
SDK, as an application would call it; every SDK exception and every warning raised while it runs is
caught. One JSON line per flow goes to stdout::

    {"flow": "chat.create", "outcome": "pass"|"fail"|"skip", "error_type": ..., "message": ...,
     "where": ..., "warnings": [...], "duration_s": ...}

Each flow's requests carry the header ``X-Conformance-Tag: <flow>`` so that the recording proxy in
front of the server can tell whose traffic it saw (the proxy does not forward it).
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

TAG_HEADER = "X-Conformance-Tag"
PROMPT = "Say hello to the conformance suite."
TOOL_NAME = "get_weather"
TOOL_PROMPT = f"Call {TOOL_NAME}: what is the weather like in Paris?"
WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": TOOL_NAME,
        "description": "The current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}


class Greeting(BaseModel):
    """The structured output ``parse`` asks for (a pydantic text format / response format)."""

    greeting: str
    audience: str


class Skip(Exception):  # noqa: N818 - a flow's way of saying it could not be run, not an error
    """The flow cannot run here (no embedding model, a setup step failed); the message says why."""


class Settings:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.base_url: str = raw["base_url"]
        self.api_key: str = raw.get("api_key") or "conformance"
        self.headers: dict[str, str] = dict(raw.get("headers") or {})
        self.timeout_s: float = float(raw.get("timeout_s") or 60)
        self.chat_model: str = raw["chat_model"]
        self.embedding_model: str | None = raw.get("embedding_model")
        self.flows: list[str] = list(raw["flows"])


def _client(settings: Settings, flow: str) -> Any:
    openai = importlib.import_module("openai")
    return openai.OpenAI(
        base_url=settings.base_url,
        api_key=settings.api_key,
        default_headers={**settings.headers, TAG_HEADER: flow},
        timeout=settings.timeout_s,
        max_retries=0,  # a retry would hide what the server did the first time
    )


def _expect(condition: bool, message: str) -> None:
    """What the application relies on after the SDK returned (an ``AssertionError`` is the finding)."""
    if not condition:
        raise AssertionError(message)


def _setup(what: str, make: Callable[[], Any]) -> Any:
    """A step the flow needs but does not judge (its own case does): a failure skips the flow."""
    try:
        return make()
    except Exception as exc:
        raise Skip(f"setup step {what} failed ({type(exc).__name__}: {exc}); its own case judges it") from None


# ------------------------------------------------------------------ chat completions


def chat_create(client: Any, s: Settings) -> None:
    completion = client.chat.completions.create(model=s.chat_model, messages=[{"role": "user", "content": PROMPT}])
    _expect(bool(completion.choices), "the completion has no choices")
    _expect(isinstance(completion.choices[0].message.content, str), "choices[0].message.content is not text")


def chat_stream(client: Any, s: Settings) -> None:
    stream = client.chat.completions.create(
        model=s.chat_model, messages=[{"role": "user", "content": PROMPT}], stream=True
    )
    text = ""
    with stream:
        for chunk in stream:
            for choice in chunk.choices:
                text += choice.delta.content or ""
    _expect(bool(text), "the stream's deltas carry no text")


def chat_stream_helper_tools(client: Any, s: Settings) -> None:
    with client.chat.completions.stream(
        model=s.chat_model, messages=[{"role": "user", "content": TOOL_PROMPT}], tools=[WEATHER_TOOL]
    ) as stream:
        for _event in stream:
            pass
        completion = stream.get_final_completion()
    calls = completion.choices[0].message.tool_calls or []
    _expect(bool(calls), "the final completion has no tool call (the prompt names the only tool offered)")
    _expect(calls[0].function.name == TOOL_NAME, f"the tool call names {calls[0].function.name!r}, not {TOOL_NAME!r}")
    json.loads(calls[0].function.arguments)


def chat_parse(client: Any, s: Settings) -> None:
    completion = client.chat.completions.parse(
        model=s.chat_model, messages=[{"role": "user", "content": PROMPT}], response_format=Greeting
    )
    parsed = completion.choices[0].message.parsed
    _expect(isinstance(parsed, Greeting), f"message.parsed is {type(parsed).__name__}, not a Greeting")


# ------------------------------------------------------------------ responses


def _new_response(client: Any, s: Settings) -> Any:
    return _setup("responses.create", lambda: client.responses.create(model=s.chat_model, input=PROMPT))


def responses_create(client: Any, s: Settings) -> None:
    response = client.responses.create(model=s.chat_model, input=PROMPT)
    _expect(isinstance(response.id, str) and bool(response.id), "the response has no id")
    _expect(bool(response.output_text), "response.output_text is empty")


def responses_stream(client: Any, s: Settings) -> None:
    stream = client.responses.create(model=s.chat_model, input=PROMPT, stream=True)
    kinds = []
    with stream:
        for event in stream:
            kinds.append(event.type)
    _expect("response.completed" in kinds, f"no response.completed event (saw {', '.join(kinds[:8]) or 'none'})")


def responses_stream_helper(client: Any, s: Settings) -> None:
    with client.responses.stream(model=s.chat_model, input=PROMPT) as stream:
        for _event in stream:
            pass
        response = stream.get_final_response()
    _expect(bool(response.output_text), "the final response's output_text is empty")


def responses_parse(client: Any, s: Settings) -> None:
    response = client.responses.parse(model=s.chat_model, input=PROMPT, text_format=Greeting)
    parsed = response.output_parsed
    _expect(isinstance(parsed, Greeting), f"output_parsed is {type(parsed).__name__}, not a Greeting")


def responses_retrieve(client: Any, s: Settings) -> None:
    created = _new_response(client, s)
    retrieved = client.responses.retrieve(created.id)
    _expect(retrieved.id == created.id, f"retrieved {retrieved.id!r}, asked for {created.id!r}")


def responses_input_items(client: Any, s: Settings) -> None:
    created = _new_response(client, s)
    page = client.responses.input_items.list(created.id)
    items = list(page)
    _expect(isinstance(items, list), "input items are not a list")


def responses_delete(client: Any, s: Settings) -> None:
    created = _new_response(client, s)
    client.responses.delete(created.id)


# ------------------------------------------------------------------ embeddings, models


def embeddings_create(client: Any, s: Settings) -> None:
    if not s.embedding_model:
        raise Skip("GET /v1/models lists no embedding model")
    result = client.embeddings.create(model=s.embedding_model, input="conformance")
    _expect(bool(result.data), "the embedding list is empty")
    vector = result.data[0].embedding
    _expect(isinstance(vector, list) and bool(vector), "data[0].embedding is not a list of numbers")


def models_list(client: Any, s: Settings) -> None:
    ids = [model.id for model in client.models.list()]
    _expect(s.chat_model in ids, f"the chat model {s.chat_model!r} is not among the listed ids {ids[:5]}")


def models_retrieve(client: Any, s: Settings) -> None:
    model = client.models.retrieve(s.chat_model)
    _expect(model.id == s.chat_model, f"retrieved model id {model.id!r}, asked for {s.chat_model!r}")


# ------------------------------------------------------------------ conversations


def conversations_create(client: Any, s: Settings) -> None:
    conversation = client.conversations.create(items=[{"type": "message", "role": "user", "content": PROMPT}])
    _expect(isinstance(conversation.id, str) and bool(conversation.id), "the conversation has no id")
    client.conversations.delete(conversation.id)  # clean-up; its own case judges it


def conversations_retrieve(client: Any, s: Settings) -> None:
    created = _setup("conversations.create", client.conversations.create)
    retrieved = client.conversations.retrieve(created.id)
    _expect(retrieved.id == created.id, f"retrieved {retrieved.id!r}, asked for {created.id!r}")
    client.conversations.delete(created.id)


def conversations_delete(client: Any, s: Settings) -> None:
    created = _setup("conversations.create", client.conversations.create)
    deleted = client.conversations.delete(created.id)
    _expect(deleted.deleted is True, f"deleted is {deleted.deleted!r}, not true")


FLOWS: dict[str, Callable[[Any, Settings], None]] = {
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
}


def _where(exc: BaseException) -> str:
    """The SDK's own source line that raised (an ``assert`` has no message of its own)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f"{last.filename.rsplit('site-packages/', 1)[-1]}:{last.lineno}: {(last.line or '').strip()}"


def run_flow(name: str, settings: Settings) -> dict[str, Any]:
    outcome: dict[str, Any] = {"flow": name, "outcome": "pass", "error_type": None, "message": None, "where": None}
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            flow = FLOWS[name]
            flow(_client(settings, name), settings)
        except Skip as skip:
            outcome |= {"outcome": "skip", "message": str(skip)}
        except Exception as exc:
            outcome |= {
                "outcome": "fail",
                "error_type": f"{type(exc).__module__}.{type(exc).__qualname__}".removeprefix("builtins."),
                "message": str(exc),
                "where": _where(exc),
            }
    outcome["warnings"] = [f"{w.category.__name__}: {w.message}" for w in caught]
    outcome["duration_s"] = round(time.perf_counter() - started, 4)
    return outcome


def main() -> int:
    settings = Settings(json.loads(sys.stdin.read()))
    unknown = [name for name in settings.flows if name not in FLOWS]
    if unknown:
        print(f"unknown flows: {', '.join(unknown)}", file=sys.stderr)
        return 2
    openai = importlib.import_module("openai")
    print(json.dumps({"sdk": "openai", "version": openai.__version__}), flush=True)
    for name in settings.flows:
        print(json.dumps(run_flow(name, settings)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
