"""The committed recordings are a trustworthy oracle: what a reference answered while it worked.

A recording is only as good as the reference it came from. Every committed cassette must validate
against its profile's spec (request bodies, response bodies, streamed events), and a scenario that
is not about failures (``Scenario.expects_errors``) must not hold a 5xx, a resource whose status is
``failed`` or ``incomplete``, or an empty assistant answer: any of those means the reference was
misconfigured when it was recorded (no default embedding model, no file processor, a model server
answering ``max_tokens: 0`` with nothing), and replaying it would teach other servers the failure.
No server is needed: this reads ``recordings/`` only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema.protocols import Validator

from conformance.cassettes import Cassette, Interaction, load_profile_cassettes
from conformance.core.media_types import SSE_MEDIA_TYPE, media_type
from conformance.core.profiles import PROFILES
from conformance.diff import Observed, observe
from conformance.scenarios import SCENARIOS
from conformance.scenarios.files import DOCUMENT
from conformance.spec import load_spec, match_operation, request_schema, response_validator, validator_for

FAILED_STATUSES = frozenset({"failed", "incomplete"})

CASSETTES = [
    (profile, c) for profile in PROFILES for c in load_profile_cassettes(PROFILES[profile].recordings, profile)
]
IDS = [f"{profile}/{cassette.name}" for profile, cassette in CASSETTES]


def _expects_errors(cassette: Cassette) -> bool:
    return SCENARIOS[cassette.name].expects_errors


def _observed(interaction: Interaction) -> Observed:
    response = interaction.response
    return observe(response.status, response.content_type, response.body)


def _documents(observed: Observed) -> list[Any]:
    """The JSON body, or every decoded stream event."""
    if observed.events is not None:
        return [event.data for event in observed.events]
    return [observed.body] if observed.is_json else []


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON object in ``value`` with its JSON pointer."""
    if isinstance(value, dict):
        yield path or "/", value
        for key, item in value.items():
            yield from _walk(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}/{index}")


def _text(content: Any) -> str:
    """The text of a message content: a string, or the ``text`` of its parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text") or "") for part in content if isinstance(part, dict))
    return ""


# ----------------------------------------------------------------------------------- what a failure is


def failed_resources(document: Any) -> list[str]:
    """Objects whose ``status`` says the work failed or stopped short."""
    return [
        f"{path}: status {obj['status']!r}"
        for path, obj in _walk(document)
        if isinstance(obj.get("status"), str) and obj["status"] in FAILED_STATUSES
    ]


def empty_answers(document: Any) -> list[str]:
    """Assistant answers without text and without a tool call, in one body or stream event."""
    problems = []
    for path, obj in _walk(document):
        kind = obj.get("object")
        if kind in {"chat.completion", "text_completion"}:
            for choice in obj.get("choices") or []:
                message = choice.get("message") or {}
                text = choice.get("text") if kind == "text_completion" else message.get("content")
                if not message.get("tool_calls") and not (text or "").strip():
                    problems.append(f"{path}: choice {choice.get('index')} has no text")
        elif kind == "response" and obj.get("status") == "completed" and not obj.get("output"):
            problems.append(f"{path}: a completed response with no output")
        elif (
            obj.get("type") == "message"
            and obj.get("role") == "assistant"
            and obj.get("status") != "in_progress"  # streamed items start empty
            and not _text(obj.get("content")).strip()
        ):
            problems.append(f"{path}: an assistant message without text")
        output = obj.get("output_message")
        if isinstance(output, dict) and not output.get("tool_calls") and not _text(output.get("content")).strip():
            problems.append(
                f"{path}/output_message: an agent turn without text (stop_reason {output.get('stop_reason')})"
            )
    return problems


def empty_streamed_answers(events: list[Any]) -> list[str]:
    """Streamed chat or text completions whose chunks add up to no text and no tool call, per choice."""
    texts: dict[int, str] = {}
    calls: set[int] = set()
    for event in events:
        if not isinstance(event, dict) or event.get("object") not in ("chat.completion.chunk", "text_completion"):
            continue
        for choice in event.get("choices") or []:
            index = choice.get("index", 0)
            delta = choice.get("delta") or {}
            texts[index] = texts.get(index, "") + str(delta.get("content") or choice.get("text") or "")
            if delta.get("tool_calls"):
                calls.add(index)
    return [f"streamed choice {i} has no text" for i, text in texts.items() if i not in calls and not text.strip()]


def failures(interaction: Interaction) -> list[str]:
    """Everything in one recorded answer that says the reference was not working."""
    observed = _observed(interaction)
    problems = [f"answered {observed.status}"] if observed.status >= 500 else []
    documents = _documents(observed)
    for document in documents:
        problems += failed_resources(document) + empty_answers(document)
    if observed.events is not None:
        problems += empty_streamed_answers(documents)
    return problems


def _errors(validator: Validator, payload: Any) -> list[str]:
    errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]


def spec_problems(profile: str, interaction: Interaction, *, check_request: bool) -> list[str]:
    """Where one recorded exchange departs from the profile's spec."""
    spec = load_spec(profile)
    request = interaction.request
    operation = match_operation(spec, request.method, request.path)
    if operation is None:
        return [f"{request.method} {request.path} is not in the spec"]
    method, template = operation.method, operation.path
    problems: list[str] = []
    content_type = next((v for k, v in request.headers.items() if k.lower() == "content-type"), "")
    if check_request and request.body and media_type(content_type) == "application/json":
        schema = request_schema(spec, method, template)
        if schema is not None:
            body = observe(200, "application/json", request.body).body
            problems += [f"request {error}" for error in _errors(validator_for(schema), body)]
    observed = _observed(interaction)
    if observed.events is not None:
        validator = response_validator(profile, method, template, 200, SSE_MEDIA_TYPE)
        for index, event in enumerate(observed.events):
            if validator is not None and event.data != "[DONE]":
                problems += [f"event {index} ({event.type}) {error}" for error in _errors(validator, event.data)]
    elif observed.is_json:
        status = observed.status
        validator = response_validator(profile, method, template, status) or response_validator(
            profile, method, template, "default"
        )
        if validator is None:
            problems.append(f"the spec declares no JSON answer {status}")
        else:
            problems += [f"response {status} {error}" for error in _errors(validator, observed.body)]
    return [f"{interaction.step} ({operation.label}): {p}" for p in problems]


# ----------------------------------------------------------------------------------------------- tests


@pytest.mark.parametrize(("profile", "cassette"), CASSETTES, ids=IDS)
def test_every_recorded_exchange_validates_against_its_profiles_spec(profile: str, cassette: Cassette) -> None:
    # An error scenario's requests are invalid on purpose; its answers still have to be as declared.
    check_request = not _expects_errors(cassette)
    problems = [p for i in cassette.interactions for p in spec_problems(profile, i, check_request=check_request)]
    assert problems == []


WORKING = [(profile, c) for profile, c in CASSETTES if not _expects_errors(c)]
AGENT_TURNS = [c for profile, c in WORKING if profile == "llama-stack-0.3" and SCENARIOS[c.name].api == "agents"]


@pytest.mark.parametrize(("profile", "cassette"), WORKING, ids=[f"{p}/{c.name}" for p, c in WORKING])
def test_a_recording_holds_no_failure_unless_its_scenario_is_about_failures(profile: str, cassette: Cassette) -> None:
    problems = [f"{i.step}: {problem}" for i in cassette.interactions for problem in failures(i)]
    assert problems == []


def _turns(cassette: Cassette) -> Iterator[dict[str, Any]]:
    for interaction in cassette.interactions:
        for document in _documents(_observed(interaction)):
            for _, obj in _walk(document):
                if "turn_id" in obj and isinstance(obj.get("output_message"), dict):
                    yield obj


@pytest.mark.parametrize("cassette", AGENT_TURNS, ids=[c.name for c in AGENT_TURNS])
def test_every_llama_stack_0_3_agent_turn_answers_with_text(cassette: Cassette) -> None:
    turns = list(_turns(cassette))
    texts = [_text(turn["output_message"].get("content")).strip() for turn in turns]
    # A turn waiting for a client tool's result holds the tool call instead; once resumed it has text.
    silent = [
        t["turn_id"]
        for t, text in zip(turns, texts, strict=True)
        if not text and not t["output_message"].get("tool_calls")
    ]
    assert silent == []
    assert any(texts), f"{cassette.name} records no agent turn with text"


@pytest.mark.parametrize("profile", list(PROFILES))
def test_vector_store_search_returns_the_uploaded_files_content(profile: str) -> None:
    (cassette,) = load_profile_cassettes(PROFILES[profile].recordings, profile, ["vector-stores-basic"])
    (search,) = [i for i in cassette.interactions if i.step == "search"]
    results = _observed(search).body["data"]
    found = "\n".join(_text(result.get("content")) for result in results)
    for line in DOCUMENT.decode().splitlines():
        assert line in found, f"{profile}: the search found {found!r}"


# ------------------------------------------------------------------------- the detectors fire and stay quiet


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"object": "vector_store.file", "status": "failed"}, ["/: status 'failed'"]),
        ({"type": "response.incomplete", "response": {"status": "incomplete"}}, ["/response: status 'incomplete'"]),
        ({"object": "file", "status": "processed"}, []),
    ],
)
def test_failed_resources(document: Any, expected: list[str]) -> None:
    assert failed_resources(document) == expected


@pytest.mark.parametrize(
    ("document", "problems"),
    [
        ({"object": "chat.completion", "choices": [{"index": 0, "message": {"content": ""}}]}, 1),
        ({"object": "chat.completion", "choices": [{"index": 0, "message": {"content": "Hi"}}]}, 0),
        ({"object": "chat.completion", "choices": [{"message": {"content": None, "tool_calls": [{}]}}]}, 0),
        ({"object": "text_completion", "choices": [{"index": 0, "text": " "}]}, 1),
        ({"object": "response", "status": "completed", "output": []}, 1),
        ({"output": [{"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": ""}]}]}, 1),
        ({"item": {"type": "message", "role": "assistant", "status": "in_progress", "content": []}}, 0),
        ({"turn": {"turn_id": "t", "output_message": {"content": "", "stop_reason": "out_of_tokens"}}}, 1),
        ({"turn": {"turn_id": "t", "output_message": {"content": "", "tool_calls": [{"tool_name": "x"}]}}}, 0),
        ({"turn": {"turn_id": "t", "output_message": {"content": [{"type": "text", "text": "Hello"}]}}}, 0),
    ],
)
def test_empty_answers(document: Any, problems: int) -> None:
    assert len(empty_answers(document)) == problems


def test_empty_streamed_answers() -> None:
    def chunk(index: int, **delta: Any) -> dict[str, Any]:
        return {"object": "chat.completion.chunk", "choices": [{"index": index, "delta": delta}]}

    events = [chunk(0, role="assistant", content=""), chunk(1, content=""), chunk(1, content="Hi"), "[DONE]"]
    assert empty_streamed_answers(events) == ["streamed choice 0 has no text"]
    assert empty_streamed_answers([chunk(0, content=None, tool_calls=[{"index": 0}])]) == []
