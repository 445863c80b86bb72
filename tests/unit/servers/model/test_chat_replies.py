"""The documented answer rules: text, tool calls (every tool_choice branch), tool results, n, stop, limits, JSON."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from tests.unit.servers.model.model_server_support import Api, sse_chunks, user

WEATHER_PARAMS = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "minLength": 2},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
    },
    "required": ["city", "unit"],
    "additionalProperties": False,
}
TIME_PARAMS = {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]}
TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "description": "Weather.", "parameters": WEATHER_PARAMS}},
    {"type": "function", "function": {"name": "get_time", "parameters": TIME_PARAMS}},
]
SCHEMAS: dict[str, dict[str, Any]] = {"get_weather": WEATHER_PARAMS, "get_time": TIME_PARAMS}


def _message(api: Api, **fields: Any) -> dict[str, Any]:
    response = api.chat(**fields)
    assert response.status_code == 200, response.text
    choice: dict[str, Any] = response.json()["choices"][0]
    return choice


def _called(choice: dict[str, Any]) -> list[str]:
    return [call["function"]["name"] for call in choice["message"].get("tool_calls", [])]


def _assert_valid_calls(choice: dict[str, Any]) -> None:
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] is None
    for call in choice["message"]["tool_calls"]:
        assert call["type"] == "function"
        assert call["id"].startswith("call_")
        jsonschema.validate(json.loads(call["function"]["arguments"]), SCHEMAS[call["function"]["name"]])


@pytest.mark.parametrize(
    ("text", "tool_choice", "expected"),
    [
        ("What is the weather in Paris? Use get_weather.", "none", []),
        ("Hello there", "required", ["get_weather"]),
        ("Please call GET_TIME now", "required", ["get_time"]),
        ("Hello there", {"type": "function", "function": {"name": "get_time"}}, ["get_time"]),
        ("Use get_weather", {"type": "function", "function": {"name": "get_time"}}, ["get_time"]),
        ("What is the weather in Paris? Use get_weather.", "auto", ["get_weather"]),
        ("What is the weather in Paris? Use get_weather.", None, ["get_weather"]),
        ("What is the weather in Paris?", "auto", ["get_weather"]),
        ("What is the time in Paris?", None, ["get_weather"]),
        ("Call get_time and then get_weather", "auto", ["get_weather", "get_time"]),
    ],
)
def test_the_tool_choice_rule(api: Api, text: str, tool_choice: Any, expected: list[str]) -> None:
    fields: dict[str, Any] = {"messages": [user(text)], "tools": TOOLS}
    if tool_choice is not None:
        fields["tool_choice"] = tool_choice
    choice = _message(api, **fields)
    assert _called(choice) == expected
    if expected:
        _assert_valid_calls(choice)
    else:
        assert choice["finish_reason"] == "stop"
        assert choice["message"]["content"].startswith("Deterministic reply to: ")


@pytest.mark.parametrize("tool_choice", ["auto", None])
def test_auto_with_no_tool_mentioned_calls_the_first_offered_function_tool(api: Api, tool_choice: str | None) -> None:
    tools = [{"type": "web_search"}, *reversed(TOOLS)]  # a built-in tool first: only functions are called
    fields: dict[str, Any] = {"messages": [user("What's the weather like in San Francisco?")], "tools": tools}
    if tool_choice is not None:
        fields["tool_choice"] = tool_choice
    choice = _message(api, **fields)
    assert _called(choice) == ["get_time"]
    _assert_valid_calls(choice)
    assert json.loads(choice["message"]["tool_calls"][0]["function"]["arguments"]) == {
        "zone": "What's the weather like in San Francisco?"
    }


def test_only_built_in_tools_offered_means_a_text_answer(api: Api) -> None:
    choice = _message(api, messages=[user("Search the web")], tools=[{"type": "web_search"}], tool_choice="auto")
    assert (choice["finish_reason"], choice["message"]["content"]) == ("stop", "Deterministic reply to: Search the web")


def test_parallel_tool_calls_false_calls_only_the_first_mentioned_tool(api: Api) -> None:
    choice = _message(
        api, messages=[user("Call get_time and then get_weather")], tools=TOOLS, parallel_tool_calls=False
    )
    assert _called(choice) == ["get_weather"]


def test_string_arguments_come_from_the_user_text(api: Api) -> None:
    choice = _message(api, messages=[user("get_time for   Europe/Paris")], tools=TOOLS)
    arguments = json.loads(choice["message"]["tool_calls"][0]["function"]["arguments"])
    assert arguments == {"zone": "get_time for Europe/Paris"}


@pytest.mark.parametrize("function", [{"name": "ping"}, {"name": "ping", "parameters": {}}])
def test_a_tool_without_parameters_gets_empty_object_arguments(api: Api, function: dict[str, Any]) -> None:
    choice = _message(api, messages=[user("ping")], tools=[{"type": "function", "function": function}])
    assert choice["message"]["tool_calls"][0]["function"]["arguments"] == "{}"


def test_tool_call_ids_are_stable_and_distinct(api: Api) -> None:
    fields = {"messages": [user("Call get_time and get_weather")], "tools": TOOLS, "n": 2}
    first, second = api.chat(**fields).json(), api.chat(**fields).json()
    assert first == second
    ids = [call["id"] for choice in first["choices"] for call in choice["message"]["tool_calls"]]
    assert len(ids) == 4
    assert len(set(ids)) == 4


def _conversation_with_result(result: Any) -> list[dict[str, Any]]:
    return [
        user("Use get_weather for Paris"),
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": result},
    ]


@pytest.mark.parametrize("tool_choice", ["auto", "required"])
def test_after_a_tool_result_the_answer_quotes_it(api: Api, tool_choice: str) -> None:
    messages = _conversation_with_result('{"temperature": 21, "sky": "clear"}')
    choice = _message(api, messages=messages, tools=TOOLS, tool_choice=tool_choice)
    assert choice["finish_reason"] == "stop"
    assert choice["message"]["content"] == 'The tool returned: {"temperature": 21, "sky": "clear"}'


def test_a_tool_result_given_as_parts_and_a_later_system_message_still_end_the_loop(api: Api) -> None:
    messages = [
        *_conversation_with_result([{"type": "text", "text": "sunny"}]),
        {"role": "system", "content": "Go on."},
    ]
    choice = _message(api, messages=messages, tools=TOOLS)
    assert choice["message"]["content"] == "The tool returned: sunny"


def test_a_new_user_turn_after_a_tool_result_applies_the_rule_again(api: Api) -> None:
    messages = [*_conversation_with_result("sunny"), user("And get_time?")]
    assert _called(_message(api, messages=messages, tools=TOOLS)) == ["get_time"]


def test_text_reply_quotes_at_most_sixteen_words(api: Api) -> None:
    words = " ".join(f"w{i}" for i in range(30))
    content = _message(api, messages=[user(words)])["message"]["content"]
    assert content == "Deterministic reply to: " + " ".join(f"w{i}" for i in range(16)) + " ..."


def test_without_user_text_the_reply_is_fixed(api: Api) -> None:
    content = _message(api, messages=[{"role": "system", "content": "Only a system prompt."}])["message"]["content"]
    assert content == "Deterministic reply."


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
def test_the_token_limit_cuts_words_and_finishes_with_length(api: Api, field: str) -> None:
    response = api.chat(messages=[user("one two three four")], **{field: 3})
    choice = response.json()["choices"][0]
    assert choice["message"]["content"] == "Deterministic reply to:"
    assert choice["finish_reason"] == "length"
    assert response.json()["usage"]["completion_tokens"] == 3


def test_a_limit_that_is_not_reached_finishes_with_stop(api: Api) -> None:
    choice = _message(api, messages=[user("hi")], max_tokens=100)
    assert (choice["message"]["content"], choice["finish_reason"]) == ("Deterministic reply to: hi", "stop")


@pytest.mark.parametrize(
    "limits",
    [
        {},
        {"max_tokens": None},
        {"max_tokens": 0},
        {"max_completion_tokens": 0},
        {"max_tokens": 0, "max_completion_tokens": None},
    ],
)
def test_an_absent_null_or_zero_limit_means_the_whole_reply(api: Api, limits: dict[str, Any]) -> None:
    long_text = " ".join(f"w{i}" for i in range(12))
    choice = _message(api, messages=[user(long_text)], **limits)
    assert (choice["message"]["content"], choice["finish_reason"]) == (f"Deterministic reply to: {long_text}", "stop")


def test_a_zero_limit_next_to_a_positive_one_leaves_the_positive_one(api: Api) -> None:
    choice = _message(api, messages=[user("hi there")], max_tokens=0, max_completion_tokens=2)
    assert (choice["message"]["content"], choice["finish_reason"]) == ("Deterministic reply", "length")


def test_the_smaller_of_both_limits_applies(api: Api) -> None:
    choice = _message(api, messages=[user("hi there")], max_tokens=4, max_completion_tokens=2)
    assert choice["message"]["content"] == "Deterministic reply"


@pytest.mark.parametrize(
    ("stop", "expected"),
    [
        ("reply", "Deterministic "),
        (["zzz", " to:"], "Deterministic reply"),
        (["to", "Det"], ""),
        ([], "Deterministic reply to: hi"),
    ],
)
def test_stop_cuts_before_the_earliest_stop_sequence(api: Api, stop: Any, expected: str) -> None:
    choice = _message(api, messages=[user("hi")], stop=stop)
    assert (choice["message"]["content"], choice["finish_reason"]) == (expected, "stop")


def test_n_gives_distinct_indexed_choices(api: Api) -> None:
    body = api.chat(messages=[user("hi")], n=3).json()
    assert [c["index"] for c in body["choices"]] == [0, 1, 2]
    contents = [c["message"]["content"] for c in body["choices"]]
    assert contents == [
        "Deterministic reply to: hi",
        "Deterministic reply to: hi (choice 2)",
        "Deterministic reply to: hi (choice 3)",
    ]
    assert body["usage"]["completion_tokens"] == 4 + 6 + 6


def test_usage_counts_words_of_messages_and_tool_calls(api: Api) -> None:
    body = api.chat(messages=_conversation_with_result("sunny and warm"), tools=TOOLS).json()
    # "Use get_weather for Paris" (4) + name and arguments (2) + "sunny and warm" (3)
    assert body["usage"]["prompt_tokens"] == 9
    assert body["usage"]["completion_tokens"] == 6  # "The tool returned: sunny and warm"


def test_json_object_format_gives_a_small_json_object(api: Api) -> None:
    content = _message(api, messages=[user("hi")], response_format={"type": "json_object"})["message"]["content"]
    assert json.loads(content) == {"reply": "Deterministic reply to: hi"}


def test_text_format_is_plain_text(api: Api) -> None:
    content = _message(api, messages=[user("hi")], response_format={"type": "text"})["message"]["content"]
    assert content == "Deterministic reply to: hi"


def test_json_schema_format_gives_compact_schema_valid_json(api: Api) -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 18}},
        "required": ["name", "age"],
        "additionalProperties": False,
    }
    response_format = {"type": "json_schema", "json_schema": {"name": "person", "schema": schema, "strict": True}}
    content = _message(api, messages=[user("Alice")], response_format=response_format)["message"]["content"]
    assert content == '{"name":"Alice","age":18}'
    jsonschema.validate(json.loads(content), schema)


def test_a_tool_call_wins_over_the_response_format(api: Api) -> None:
    choice = _message(api, messages=[user("get_time")], tools=TOOLS, response_format={"type": "json_object"})
    assert _called(choice) == ["get_time"]


def test_streamed_tool_call_arguments_concatenate_to_the_full_arguments(api: Api) -> None:
    fields = {"messages": [user("Call get_time and get_weather for the city of Paris")], "tools": TOOLS}
    full = api.chat(**fields).json()["choices"][0]["message"]["tool_calls"]
    chunks = sse_chunks(api.chat(**fields, stream=True).text)
    deltas = [chunk["choices"][0]["delta"] for chunk in chunks]
    calls: dict[int, dict[str, str]] = {}
    for delta in deltas:
        for call in delta.get("tool_calls", []):
            if "id" in call:
                assert call["index"] not in calls
                assert call["function"]["arguments"] == ""
                assert call["id"].startswith("call_")
                calls[call["index"]] = {"name": call["function"]["name"], "arguments": ""}
            else:
                assert set(call) == {"index", "function"}
                calls[call["index"]]["arguments"] += call["function"]["arguments"]
    expected = [{"name": c["function"]["name"], "arguments": c["function"]["arguments"]} for c in full]
    assert [calls[index] for index in sorted(calls)] == expected
    assert sum(1 for delta in deltas for call in delta.get("tool_calls", []) if "id" not in call) > len(expected)
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_allowed_tools_restricts_which_tools_can_be_called(api: Api) -> None:
    only_time = {
        "type": "allowed_tools",
        "allowed_tools": {"mode": "auto", "tools": [{"type": "function", "function": {"name": "get_time"}}]},
    }
    assert _called(_message(api, messages=[user("Use get_weather")], tools=TOOLS, tool_choice=only_time)) == [
        "get_time"
    ]
    required = {
        "type": "allowed_tools",
        "allowed_tools": {"mode": "required", "tools": [{"type": "function", "name": "get_time"}]},
    }
    assert _called(_message(api, messages=[user("Hello")], tools=TOOLS, tool_choice=required)) == ["get_time"]


def test_image_and_file_parts_are_read_and_count_nothing(api: Api) -> None:
    """What upstream servers make of `input_image` and `input_file` (image_url and file parts) is
    accepted; the reply, usage and id depend on the text parts alone, so they stay deterministic."""
    parts = [
        {"type": "text", "text": "Read the attached file."},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}},
        {"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBERi0="}},
    ]
    first = api.chat(messages=[{"role": "user", "content": parts}])
    again = api.chat(messages=[{"role": "user", "content": parts}])
    assert first.status_code == 200
    assert first.json() == again.json()
    assert first.json()["choices"][0]["message"]["content"] == "Deterministic reply to: Read the attached file."
    assert first.json()["usage"]["prompt_tokens"] == 4
