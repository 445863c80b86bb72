"""Validation of ``POST /v1/chat/completions`` bodies into a small, immutable request.

Only what the deterministic rules use is kept; every other field (``temperature``, ``seed``,
``user``, ``metadata``, ``extra_body`` contents, ...) is accepted and ignored, but the fields we
read must have the right JSON type or the request gets a 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

from jsonschema import SchemaError
from jsonschema.validators import validator_for

from conformance.servers.model.api_errors import ApiError
from conformance.servers.model.request_fields import Fields

__all__ = ["ChatRequest", "Message", "ResponseFormat", "Tool", "ToolChoice", "parse_chat_request", "parse_stop"]

Role = Literal["system", "developer", "user", "assistant", "tool", "function"]
_ROLES: tuple[Role, ...] = ("system", "developer", "user", "assistant", "tool", "function")
MAX_N = 128
_IGNORED_NUMBERS = ("temperature", "top_p", "frequency_penalty", "presence_penalty")


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    text: str
    """The text parts of ``content`` joined by a space (images and other parts are ignored)."""
    tool_call_words: int = 0
    """Words in the names and arguments of an assistant message's ``tool_calls`` (for usage)."""


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    parameters: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ToolChoice:
    mode: Literal["auto", "none", "required", "named"]
    name: str | None = None
    """The tool of a ``named`` choice."""
    allowed: tuple[str, ...] | None = None
    """The tools an ``allowed_tools`` choice restricts calls to (``None``: all offered tools)."""


@dataclass(frozen=True, slots=True)
class ResponseFormat:
    type: Literal["text", "json_object", "json_schema"]
    schema: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ChatRequest:
    model: str
    messages: tuple[Message, ...]
    tools: tuple[Tool, ...]
    tool_choice: ToolChoice
    parallel_tool_calls: bool
    response_format: ResponseFormat
    n: int
    max_tokens: int | None
    stop: tuple[str, ...]
    stream: bool
    include_usage: bool


def parse_stop(fields: Fields) -> tuple[str, ...]:
    """``stop``: absent, a string or an array of strings."""
    value = fields.raw("stop")
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise fields.invalid("stop", "a string or an array of strings")


def check_schema(schema: dict[str, Any], param: str) -> None:
    """A 400 unless ``schema`` is a valid JSON Schema (for its ``$schema`` dialect, 2020-12 by default)."""
    from jsonschema import Draft202012Validator

    try:
        validator_for(schema, default=Draft202012Validator).check_schema(schema)
    except SchemaError as exc:
        raise ApiError(f"Invalid schema for '{param}': {exc.message}", param=param, code="invalid_schema") from None


def _object_by_default(schema: dict[str, Any]) -> dict[str, Any]:
    """Function parameters and structured outputs are objects: an untyped schema (even ``{}``) means one."""
    shaping = ("type", "anyOf", "oneOf", "allOf", "$ref", "enum", "const", "not")
    return schema if any(key in schema for key in shaping) else {"type": "object", **schema}


def _content_text(fields: Fields, role: Role) -> str:
    content = fields.raw("content")
    if content is None:
        if role == "assistant":
            return ""
        raise ApiError(
            f"Missing required parameter: '{fields.at('content')}'.",
            param=fields.at("content"),
            code="missing_required_parameter",
        )
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise fields.invalid("content", "a string or an array of content parts")
    texts = []
    for part in fields.objects("content") or []:
        kind = part.required_text("type")
        if kind == "text":
            texts.append(part.required_text("text"))
    return " ".join(texts)


def _message(fields: Fields) -> Message:
    role = fields.required_text("role")
    if role not in _ROLES:
        raise ApiError(
            f"Invalid value for '{fields.at('role')}': '{role}'. Supported values are: {', '.join(_ROLES)}.",
            param=fields.at("role"),
            code="invalid_value",
        )
    text = _content_text(fields, role)
    fields.text("name")
    fields.text("tool_call_id")
    words = 0
    for call in fields.objects("tool_calls") or []:
        call.text("id")
        function = call.obj("function", required=True)
        assert function is not None
        words += len(function.required_text("name").split()) + len((function.text("arguments") or "").split())
    return Message(role=role, text=text, tool_call_words=words)


def _tools(fields: Fields) -> tuple[Tool, ...]:
    tools = []
    for entry in fields.objects("tools") or []:
        if (entry.text("type") or "function") != "function":
            continue  # built-in tool types are accepted and never called
        function = entry.obj("function", required=True)
        assert function is not None
        name = function.required_text("name")
        function.text("description")
        function.boolean("strict")
        parameters = function.obj("parameters")
        schema = parameters.data if parameters else {}
        check_schema(schema, function.at("parameters"))
        tools.append(Tool(name=name, parameters=_object_by_default(schema)))
    return tuple(tools)


def _named_choice(named: Fields) -> ToolChoice:
    kind = named.required_text("type")
    if kind == "allowed_tools":
        spec = named.obj("allowed_tools", required=True)
        assert spec is not None
        mode = spec.text("mode") or "auto"
        if mode not in ("auto", "required"):
            raise ApiError(
                f"Invalid value for '{spec.at('mode')}': '{mode}'. Supported values are: auto, required.",
                param=spec.at("mode"),
                code="invalid_value",
            )
        names = []
        for tool in spec.objects("tools", required=True) or []:
            function = tool.obj("function")
            names.append(function.required_text("name") if function else tool.required_text("name"))
        return ToolChoice(cast(Literal["auto", "required"], mode), allowed=tuple(names))
    function = named.obj("function")
    # Chat Completions nests the name under "function"; the Responses API puts it at the top.
    return ToolChoice("named", function.required_text("name") if function else named.required_text("name"))


def _tool_choice(fields: Fields, tools: tuple[Tool, ...]) -> ToolChoice:
    value = fields.raw("tool_choice")
    choice: ToolChoice
    if value is None:
        choice = ToolChoice("auto")
    elif isinstance(value, str):
        if value not in ("auto", "none", "required"):
            raise ApiError(
                f"Invalid value for 'tool_choice': '{value}'. Supported values are: auto, none, required.",
                param="tool_choice",
                code="invalid_value",
            )
        choice = ToolChoice(cast(Literal["auto", "none", "required"], value))
    elif isinstance(value, dict):
        named = fields.obj("tool_choice")
        assert named is not None
        choice = _named_choice(named)
    else:
        raise fields.invalid("tool_choice", "a string or an object")
    if choice.mode in ("required", "named") and not tools:
        raise ApiError(
            "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
            param="tool_choice",
            code="invalid_value",
        )
    offered = {tool.name for tool in tools}
    for name in (choice.name,) if choice.mode == "named" else choice.allowed or ():
        if name not in offered:
            raise ApiError(
                f"Invalid value for 'tool_choice': no function named '{name}' was specified in 'tools'.",
                param="tool_choice",
                code="invalid_value",
            )
    return choice


def _response_format(fields: Fields) -> ResponseFormat:
    spec = fields.obj("response_format")
    if spec is None:
        return ResponseFormat("text")
    kind = spec.required_text("type")
    if kind == "text":
        return ResponseFormat("text")
    if kind == "json_object":
        return ResponseFormat("json_object")
    if kind != "json_schema":
        raise ApiError(
            f"Invalid value for 'response_format.type': '{kind}'. "
            "Supported values are: text, json_object, json_schema.",
            param="response_format.type",
            code="invalid_value",
        )
    json_schema = spec.obj("json_schema", required=True)
    assert json_schema is not None
    json_schema.text("name")
    json_schema.boolean("strict")
    schema = json_schema.obj("schema")
    body = schema.data if schema else {}
    check_schema(body, json_schema.at("schema"))
    return ResponseFormat("json_schema", _object_by_default(body))


def parse_chat_request(fields: Fields) -> ChatRequest:
    """The request, or an :class:`ApiError` naming the first bad parameter."""
    model = fields.required_text("model")
    messages = tuple(_message(item) for item in fields.objects("messages", required=True, non_empty=True) or [])
    tools = _tools(fields)
    n = fields.integer("n", minimum=1, maximum=MAX_N)
    # 0 means "no limit", as null does: llama-stack 0.3.0 sends its SamplingParams default (max_tokens
    # 0) on every agent turn, and a real backend answers that with a whole reply, not an empty one.
    limits = [
        limit
        for limit in (fields.integer("max_tokens", minimum=0), fields.integer("max_completion_tokens", minimum=0))
        if limit
    ]
    options = fields.obj("stream_options")
    for name in _IGNORED_NUMBERS:
        fields.number(name)
    fields.integer("seed")
    fields.text("user")
    return ChatRequest(
        model=model,
        messages=messages,
        tools=tools,
        tool_choice=_tool_choice(fields, tools),
        parallel_tool_calls=fields.boolean("parallel_tool_calls") is not False,
        response_format=_response_format(fields),
        n=n or 1,
        max_tokens=min(limits) if limits else None,
        stop=parse_stop(fields),
        stream=bool(fields.boolean("stream")),
        include_usage=bool(options and options.boolean("include_usage")),
    )
