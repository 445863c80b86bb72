"""The deterministic rules that turn a chat request into choices (documented in docs/model-server.md).

1. A tool result after the last user message -> text quoting the results.
2. Otherwise, offered function tools are called unless ``tool_choice`` is ``none``: the ones the
   user's words name, else the first offered (``tool_choice`` can name one or restrict the set).
3. Otherwise text: JSON for ``response_format`` json_schema/json_object, else a short reply.
``stop`` and the token limit then cut the content; ``n`` choices differ by a suffix.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.servers.model.chat_request import ChatRequest, Message, Tool
from conformance.servers.model.determinism import apply_stop, count_words, dumps, stable_id, subject, truncate_words
from conformance.servers.model.schema_instances import instance_for

__all__ = ["Choice", "ToolCall", "chat_choices", "last_user_text", "prompt_words", "variant_suffix"]


@dataclass(frozen=True, slots=True)
class ToolCall:
    id: str
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class Choice:
    index: int
    content: str | None
    tool_calls: tuple[ToolCall, ...]
    finish_reason: str

    @property
    def words(self) -> int:
        """Completion "tokens": words of the content, or of each call's name and arguments."""
        calls = sum(count_words(call.name) + count_words(call.arguments) for call in self.tool_calls)
        return count_words(self.content or "") + calls


def variant_suffix(index: int) -> str:
    """What tells choice ``index`` apart from choice 0."""
    return f" (choice {index + 1})" if index else ""


def last_user_text(messages: tuple[Message, ...]) -> str:
    return next((m.text for m in reversed(messages) if m.role == "user"), "")


def prompt_words(messages: tuple[Message, ...]) -> int:
    """Prompt "tokens": words of every message's text plus its tool calls' names and arguments."""
    return sum(count_words(m.text) + m.tool_call_words for m in messages)


def _tool_results(messages: tuple[Message, ...]) -> list[str] | None:
    """Texts of the tool results after the last user message, or ``None`` when there are none."""
    results: list[str] = []
    for message in reversed(messages):
        if message.role == "user":
            break
        if message.role in ("tool", "function"):
            results.append(message.text)
    return list(reversed(results)) or None


def _mentioned(tools: tuple[Tool, ...], text: str) -> list[Tool]:
    lowered = text.lower()
    return [tool for tool in tools if tool.name.lower() in lowered]


def _tools_to_call(request: ChatRequest, user_text: str) -> list[Tool]:
    choice = request.tool_choice
    if not request.tools or choice.mode == "none":
        return []
    if choice.mode == "named":
        return [tool for tool in request.tools if tool.name == choice.name][:1]
    tools = tuple(t for t in request.tools if choice.allowed is None or t.name in choice.allowed)
    # Like a real model, "auto" (and "required") uses a tool when one is offered: the ones the user
    # names, else the first. So a plain "What's the weather?" with get_weather gets a call.
    mentioned = _mentioned(tools, user_text) or list(tools[:1])
    return mentioned if request.parallel_tool_calls else mentioned[:1]


def _text_content(request: ChatRequest, user_text: str, index: int) -> str:
    topic = subject(user_text)
    suffix = variant_suffix(index)
    results = _tool_results(request.messages)
    if results is not None:
        reply = "The tool returned: " + "; ".join(result.strip() or "(empty)" for result in results)
    elif topic:
        reply = f"Deterministic reply to: {topic}"
    else:
        reply = "Deterministic reply."
    match request.response_format.type:
        case "json_schema":
            return dumps(instance_for(request.response_format.schema or {}, topic + suffix))
        case "json_object":
            return dumps({"reply": reply + suffix})
        case _:
            return reply + suffix


def chat_choices(request: ChatRequest, request_key: str) -> list[Choice]:
    """The ``n`` choices of the answer; ``request_key`` (the canonical request) seeds tool-call ids."""
    user_text = last_user_text(request.messages)
    calls = [] if _tool_results(request.messages) is not None else _tools_to_call(request, user_text)
    choices = []
    for index in range(request.n):
        if calls:
            hint = subject(user_text) + variant_suffix(index)
            tool_calls = tuple(
                ToolCall(
                    id=stable_id("call_", request_key, str(index), str(position)),
                    name=tool.name,
                    arguments=dumps(instance_for(tool.parameters, hint)),
                )
                for position, tool in enumerate(calls)
            )
            choices.append(Choice(index, None, tool_calls, "tool_calls"))
            continue
        content = apply_stop(_text_content(request, user_text, index), request.stop)
        finish = "stop"
        if request.max_tokens is not None:
            content, cut = truncate_words(content, request.max_tokens)
            finish = "length" if cut else "stop"
        choices.append(Choice(index, content, (), finish))
    return choices
