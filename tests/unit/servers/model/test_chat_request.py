"""Malformed chat requests get an OpenAI-style 4xx naming the parameter; liberal input is accepted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.servers.model import CHAT_MODEL, EMBEDDING_MODEL
from tests.unit.servers.model.model_server_support import Api, user

WEATHER = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}


def _tool(parameters: Any) -> dict[str, Any]:
    return {"type": "function", "function": {"name": "f", "parameters": parameters}}


def _tool_named(name: Any) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name}}


Case = tuple[str, dict[str, Any], str, str]


def _with(name: str, change: dict[str, Any], param: str, code: str) -> Case:
    """A valid request with ``change`` applied."""
    return (name, {"model": CHAT_MODEL, "messages": [user("hi")], **change}, param, code)


def _messages(name: str, messages: Any, param: str, code: str) -> Case:
    return (name, {"model": CHAT_MODEL, "messages": messages}, param, code)


MISSING, TYPE, VALUE = "missing_required_parameter", "invalid_type", "invalid_value"
NAMED_NOPE = {"type": "function", "function": {"name": "nope"}}
MALFORMED: list[Case] = [
    ("missing model", {"messages": [user("hi")]}, "model", MISSING),
    _with("model not a string", {"model": 3}, "model", TYPE),
    ("missing messages", {"model": CHAT_MODEL}, "messages", MISSING),
    _messages("messages not an array", "hi", "messages", TYPE),
    _messages("empty messages", [], "messages", "empty_array"),
    _messages("message not an object", ["hi"], "messages[0]", TYPE),
    _messages("unknown role", [{"role": "robot", "content": "x"}], "messages[0].role", VALUE),
    _messages("missing role", [{"content": "x"}], "messages[0].role", MISSING),
    _messages("content a number", [{"role": "user", "content": 5}], "messages[0].content", TYPE),
    _messages("user without content", [{"role": "user"}], "messages[0].content", MISSING),
    _messages(
        "text part without text", [{"role": "user", "content": [{"type": "text", "text": 1}]}],
        "messages[0].content[0].text", TYPE,
    ),
    _messages(
        "part without type", [{"role": "user", "content": [{"text": "x"}]}], "messages[0].content[0].type", MISSING
    ),
    _messages(
        "tool call without a function name", [{"role": "assistant", "tool_calls": [{"id": "c", "function": {}}]}],
        "messages[0].tool_calls[0].function.name", MISSING,
    ),
    _with("n zero", {"n": 0}, "n", VALUE),
    _with("n too large", {"n": 1000}, "n", VALUE),
    _with("n a string", {"n": "2"}, "n", TYPE),
    _with("n a boolean", {"n": True}, "n", TYPE),
    _with("negative max_tokens", {"max_tokens": -1}, "max_tokens", VALUE),
    _with("fractional max_completion_tokens", {"max_completion_tokens": 1.5}, "max_completion_tokens", TYPE),
    _with("stop a number", {"stop": 3}, "stop", TYPE),
    _with("stop with a number", {"stop": ["a", 3]}, "stop", TYPE),
    _with("stream a string", {"stream": "yes"}, "stream", TYPE),
    _with("temperature a string", {"temperature": "hot"}, "temperature", TYPE),
    _with("include_usage a string", {"stream_options": {"include_usage": "y"}}, "stream_options.include_usage", TYPE),
    _with("tools not an array", {"tools": {}}, "tools", TYPE),
    _with("tool without function", {"tools": [{"type": "function"}]}, "tools[0].function", MISSING),
    _with("tool name not a string", {"tools": [_tool_named(1)]}, "tools[0].function.name", TYPE),
    _with("non-object tool parameters", {"tools": [_tool("string")]}, "tools[0].function.parameters", TYPE),
    _with("bad parameter schema", {"tools": [_tool({"type": "x"})]}, "tools[0].function.parameters", "invalid_schema"),
    _with("unknown tool_choice", {"tools": [WEATHER], "tool_choice": "always"}, "tool_choice", VALUE),
    _with("tool_choice a number", {"tools": [WEATHER], "tool_choice": 1}, "tool_choice", TYPE),
    _with("named tool not offered", {"tools": [WEATHER], "tool_choice": NAMED_NOPE}, "tool_choice", VALUE),
    _with("required without tools", {"tool_choice": "required"}, "tool_choice", VALUE),
    _with("unknown response_format", {"response_format": {"type": "xml"}}, "response_format.type", VALUE),
    _with(
        "json_schema without json_schema", {"response_format": {"type": "json_schema"}},
        "response_format.json_schema", MISSING,
    ),
    _with(
        "non-object schema", {"response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": []}}},
        "response_format.json_schema.schema", TYPE,
    ),
    _with("embedding model for chat", {"model": EMBEDDING_MODEL}, "model", "model_not_supported"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "param", "code"), [case[1:] for case in MALFORMED], ids=[case[0] for case in MALFORMED]
)
def test_a_malformed_request_is_a_400_naming_the_parameter(
    api: Api, body: dict[str, Any], param: str, code: str
) -> None:
    response = api.post("/v1/chat/completions", body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"error"}
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert (error["param"], error["code"]) == (param, code)
    assert param in error["message"] or code == "model_not_supported"


@pytest.mark.parametrize(
    ("raw", "code"),
    [(b"{not json", "invalid_json"), (b"\xff\xfe", "invalid_json"), (b"[1, 2]", "invalid_json"), (b"", "invalid_json")],
)
def test_a_body_that_is_not_a_json_object_is_a_400(api: Api, raw: bytes, code: str) -> None:
    response = api.request("POST", "/v1/chat/completions", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_an_unknown_model_is_a_404(api: Api) -> None:
    response = api.post("/v1/chat/completions", {"model": "gpt-4o", "messages": [user("hi")]})
    assert response.status_code == 404
    assert response.json()["error"] == {
        "message": "The model 'gpt-4o' does not exist or you do not have access to it.",
        "type": "invalid_request_error",
        "param": "model",
        "code": "model_not_found",
    }


def test_what_upstream_servers_send_is_accepted(api: Api) -> None:
    """Extra fields, explicit nulls, content parts, images and every role: ignored or understood, never refused."""
    body = {
        "model": CHAT_MODEL,
        "messages": [
            {"role": "system", "content": [{"type": "text", "text": "Be brief."}]},
            {"role": "developer", "content": "Really brief."},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Describe"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                    {"type": "text", "text": "this picture"},
                ],
                "name": "alice",
            },
            {"role": "assistant", "content": None, "refusal": None, "tool_calls": None},
            user("Describe this picture please"),
        ],
        "stream": False,
        "stream_options": None,
        "user": "u-1",
        "metadata": {"k": "v"},
        "parallel_tool_calls": None,
        "max_completion_tokens": None,
        "max_tokens": None,
        "n": None,
        "stop": None,
        "temperature": 0,
        "top_p": 1,
        "seed": 3,
        "logprobs": False,
        "tools": None,
        "tool_choice": None,
        "response_format": None,
        "reasoning_effort": None,
        "prompt_cache_key": "abc",
        "service_tier": "auto",
        "guided_choice": ["x"],
    }
    response = api.post("/v1/chat/completions", body)
    assert response.status_code == 200, response.text
    assert response.json()["choices"][0]["message"]["content"] == "Deterministic reply to: Describe this picture please"


def test_a_named_tool_choice_in_responses_style_is_accepted(api: Api) -> None:
    response = api.chat(messages=[user("hi")], tools=[WEATHER], tool_choice={"type": "function", "name": "get_weather"})
    assert response.status_code == 200, response.text
    assert response.json()["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "get_weather"


def test_non_function_tools_are_accepted_and_never_called(api: Api) -> None:
    response = api.chat(messages=[user("use web_search")], tools=[{"type": "web_search"}], tool_choice="auto")
    assert response.status_code == 200, response.text
    assert response.json()["choices"][0]["finish_reason"] == "stop"


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 300)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
VALID = {
    "/v1/chat/completions": {
        "model": CHAT_MODEL,
        "messages": [user("Use get_weather")],
        "tools": [WEATHER],
        "stream": True,
        "stream_options": {"include_usage": True},
    },
    "/v1/completions": {"model": CHAT_MODEL, "prompt": "x", "n": 2},
    "/v1/embeddings": {"model": EMBEDDING_MODEL, "input": ["x"], "dimensions": 4},
}
FIELDS = st.sampled_from(
    [
        "model", "messages", "tools", "tool_choice", "n", "max_tokens", "stop", "stream", "stream_options",
        "response_format", "prompt", "input", "dimensions", "encoding_format", "echo", "parallel_tool_calls",
    ]
)  # fmt: skip


NESTED = st.sampled_from(
    [
        ("message", "role"), ("message", "content"), ("message", "tool_calls"), ("message", "name"),
        ("function", "name"), ("function", "parameters"), ("function", "strict"), (None, None),
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(sorted(VALID)), field=FIELDS, value=JSON_VALUES, nested=NESTED)
def test_no_body_ever_gets_a_server_error(
    api: Api, path: str, field: str, value: Any, nested: tuple[str | None, str | None]
) -> None:
    """Any value in any field (or inside the first message or tool of a chat request) gets 200, 400 or 404."""
    body = json.loads(json.dumps(VALID[path]))
    where, key = nested
    if where == "message" and key and path == "/v1/chat/completions":
        body["messages"][0][key] = value
    elif where == "function" and key and path == "/v1/chat/completions":
        body["tools"][0]["function"][key] = value
    else:
        body[field] = value
    response = api.post(path, body)  # an exception in the app would propagate here
    assert response.status_code in (200, 400, 404)
    if response.status_code != 200:
        assert set(response.json()["error"]) == {"message", "type", "param", "code"}


@pytest.mark.parametrize(
    "raw",
    [
        b'{"model": "conformance-chat", "messages": [], "temperature": NaN}',
        b'{"model": "conformance-chat", "messages": [], "temperature": 1e400}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["NaN", "infinite number", "deeply nested"],
)
def test_json_that_python_alone_would_accept_or_choke_on_is_a_400(api: Api, raw: bytes) -> None:
    response = api.request("POST", "/v1/chat/completions", content=raw)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_a_schema_nested_too_deeply_is_a_400(api: Api) -> None:
    """Parseable JSON, but deeper than schema checking can recurse: a 400, not a 500."""
    schema = '{"type":"array","items":' * 300 + '{"type":"string"}' + "}" * 300
    raw = (
        '{"model":"conformance-chat","messages":[{"role":"user","content":"hi"}],'
        f'"response_format":{{"type":"json_schema","json_schema":{{"name":"deep","schema":{schema}}}}}}}'
    )
    response = api.request("POST", "/v1/chat/completions", content=raw.encode())
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_allowed_tools_must_name_offered_tools(api: Api) -> None:
    choice = {
        "type": "allowed_tools",
        "allowed_tools": {"mode": "auto", "tools": [{"type": "function", "name": "nope"}]},
    }
    response = api.chat(messages=[user("hi")], tools=[WEATHER], tool_choice=choice)
    assert (response.status_code, response.json()["error"]["param"]) == (400, "tool_choice")
