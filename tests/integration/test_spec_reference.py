"""Each exported spec against the reference server of its release.

* The operation set equals the one the reference serves (``/openapi.json``) with our reference config.
* Every schema difference from the served document is listed in ``EXPECTED`` with the reason; a
  difference nobody listed fails the test, and so does a listed difference that no longer occurs.
* Live answers of the reference - JSON bodies, every SSE event of the streaming operations, empty
  deletes, raw file content and error envelopes - validate against what our spec declares.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from conformance.core.profiles import profile_for_release
from conformance.core.sse import read_sse
from conformance.servers.reference import RELEASES, RunningReference
from conformance.spec import event_schema, find_operation, load_spec, response_schema, validator_for
from conformance.spec.compare import Difference, compare_specs, operation_set

pytestmark = pytest.mark.integration

ReferenceFactory = Callable[[str], RunningReference]


@dataclass(frozen=True)
class Expected:
    """Differences matching ``operation``/``location`` (shell patterns) and ``kind``, and why they are right."""

    operation: str
    location: str
    kind: str
    why: str

    def matches(self, difference: Difference) -> bool:
        return (
            fnmatch.fnmatchcase(difference.operation, self.operation)
            and fnmatch.fnmatchcase(difference.location, self.location)
            and difference.kind == self.kind
        )


_STANDARD_ERRORS = [
    Expected("*", f"responses/{status}", "only-exported", "declared with the envelopes the 0.3 handlers really write")
    for status in ("400", "429", "500", "default")
]
_ROUTER_ERRORS = [
    Expected("*", f"responses/{status}", "served-dangling", "standard_responses refers to responses it never defines")
    for status in ("400", "429", "500", "default")
]
_ROUTER_DIFFERENCES = [
    *_ROUTER_ERRORS,
    Expected(
        "POST /v1/chat/completions",
        "responses/200/*",
        "served-dangling",
        "OpenAIChatCompletion(Chunk) are named in responses= only; derived from the protocol types",
    ),
    Expected(
        "POST /v1/completions",
        "responses/200/*",
        "served-dangling",
        "OpenAICompletion is named in responses= only; derived from the protocol type",
    ),
    Expected(
        "POST /v1/responses",
        "responses/200/text/event-stream",
        "served-dangling",
        "OpenAIResponseObjectStream is named in responses= only; derived from the protocol type",
    ),
    Expected(
        "DELETE /v1/prompts/{prompt_id}",
        "responses/200/application/json",
        "served-empty",
        "the route returns None: the body is JSON null where the served spec says schema: {}",
    ),
    Expected(
        "GET /v1/files/{file_id}/content",
        "responses/200/application/json",
        "only-served",
        "the body is the file's bytes as application/octet-stream, not JSON",
    ),
    Expected(
        "GET /v1/files/{file_id}/content",
        "responses/200/application/octet-stream",
        "only-exported",
        "the body is the file's bytes as application/octet-stream, not JSON",
    ),
]

_NULLS_WHY = "Optional fields whose null upstream strips from the schema (remove_null_from_anyof) accept null again"


def _nulls(*operations: str, location: str = "responses/200/application/json") -> list[Expected]:
    return [Expected(op, location, "changed", _NULLS_WHY) for op in operations]


_NULLS_BOTH = [
    *_nulls(
        "GET /v1/chat/completions",
        "GET /v1/chat/completions/{completion_id}",
        "GET /v1/responses",
        "GET /v1/responses/{response_id}",
        "POST /v1/responses",
        "POST /v1/responses/{response_id}/cancel",
    ),
    *_nulls("POST /v1/embeddings", "POST /v1/responses", location="requestBody/application/json"),
]

EXPECTED: dict[str, list[Expected]] = {
    "llama-stack==0.3.0": [
        *_STANDARD_ERRORS,
        Expected("*", "responses/422", "only-served", "FastAPI's default 422; the 0.3 handler answers 400 instead"),
        Expected(
            "*",
            "responses/200/application/json",
            "served-empty",
            "routes are registered with response_model=None; our schemas come from the return annotations",
        ),
        Expected("* /v1/openai/v1/*", "deprecated", "changed", "@webmethod(deprecated=True); the served spec drops it"),
        Expected("* /v1/agents*", "deprecated", "changed", "@webmethod(deprecated=True); the served spec drops it"),
        Expected("DELETE *", "responses/200", "only-served", "a DELETE returning None is answered with 204"),
        Expected("DELETE *", "responses/204", "only-exported", "a DELETE returning None is answered with 204"),
        Expected(
            "POST *", "responses/200/text/event-stream", "only-exported", "stream events from the AsyncIterator types"
        ),
        Expected(
            "GET */files/{file_id}/content",
            "responses/200/application/json",
            "only-served",
            "the body is the file's bytes as application/octet-stream (served spec: JSON, schema {})",
        ),
        Expected(
            "GET */files/{file_id}/content",
            "responses/200/application/octet-stream",
            "only-exported",
            "the body is the file's bytes as application/octet-stream",
        ),
        Expected(
            "GET /v1/conversations/{conversation_id}/items",
            "parameters/query/*/schema",
            "served-empty",
            "ConversationServiceImpl.list takes them untyped; the protocol types them",
        ),
        Expected(
            "POST */files",
            "requestBody/multipart/form-data",
            "changed",
            "the localfs implementation reads expires_after through a dependency; the protocol declares the field",
        ),
        Expected(
            "POST /v1/safety/run-shield",
            "requestBody/application/json",
            "changed",
            "SafetyRouter.run_shield takes list[Message] and optional params; the protocol: OpenAIMessageParam, params",
        ),
        Expected(
            "POST /v1/tool-runtime/rag-tool/*",
            "requestBody/application/json",
            "changed",
            "the server's RAG tool takes vector_store_id(s) where the protocol and llama-stack-client 0.3.0 "
            "send vector_db_id(s): an upstream inconsistency; the spec follows the protocol",
        ),
    ],
    "llama-stack==0.7.3": [*_ROUTER_DIFFERENCES, *_NULLS_BOTH],
    "ogx==1.5.0": [
        *_ROUTER_DIFFERENCES,
        *_NULLS_BOTH,
        *_nulls(
            "GET /v1/chat/completions/{completion_id}/messages",
            "GET /v1/files",
            "GET /v1/files/{file_id}",
            "POST /v1/files",
        ),
    ],
}


def _profile_id(release: str) -> str:
    profile = profile_for_release(release)
    assert profile is not None
    return profile.id


def _served(reference: RunningReference) -> dict[str, Any]:
    served: dict[str, Any] = httpx.get(f"{reference.base_url}/openapi.json", timeout=60).json()
    return served


@pytest.mark.parametrize("release", RELEASES)
def test_the_operation_set_is_what_the_reference_serves(reference_servers: ReferenceFactory, release: str) -> None:
    served = operation_set(_served(reference_servers(release)))
    exported = operation_set(load_spec(_profile_id(release)))
    assert sorted(exported - served) == []
    assert sorted(served - exported) == []


@pytest.mark.parametrize("release", RELEASES)
def test_every_schema_difference_is_listed_and_justified(reference_servers: ReferenceFactory, release: str) -> None:
    differences = compare_specs(load_spec(_profile_id(release)), _served(reference_servers(release)))
    expected = EXPECTED[release]
    unexplained = [d for d in differences if not any(e.matches(d) for e in expected)]
    stale = [e for e in expected if not any(e.matches(d) for d in differences)]
    assert unexplained == []
    assert stale == []


# ------------------------------------------------------------------------------------- live answers


def _check(schema: dict[str, Any] | None, payload: Any, what: str) -> None:
    assert schema is not None, f"the spec declares no schema for {what}"
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator_for(schema).iter_errors(payload)]
    assert errors == [], f"{what}: {errors[:3]}"


def _stream(
    client: httpx.Client, spec: dict[str, Any], path: str, body: dict[str, Any], template: str | None = None
) -> list[Any]:
    """Every event of the stream, each validated against the operation's event schema."""
    schema = event_schema(spec, "POST", template or path)
    with client.stream("POST", path, json=body) as response:
        assert response.status_code == 200, response.read()[:500]
        assert response.headers["content-type"].startswith("text/event-stream")
        events = read_sse(response).json_events()
    assert events, f"POST {path} streamed no events"
    for index, event in enumerate(events):
        _check(schema, event, f"POST {path} event {index}")
    return events


def _json(client: httpx.Client, spec: dict[str, Any], method: str, path: str, template: str, **kw: Any) -> Any:
    response = client.request(method, path, **kw)
    status = str(response.status_code)
    declared = find_operation(spec, method, template).operation["responses"]
    assert status in declared or "default" in declared, f"{method} {path} answered undeclared {status}"
    body = response.json()
    _check(response_schema(spec, method, template, status if status in declared else "default"), body, path)
    return body


@pytest.mark.parametrize("release", RELEASES)
def test_inference_answers_and_streams_validate(reference_servers: ReferenceFactory, release: str) -> None:
    reference, spec = reference_servers(release), load_spec(_profile_id(release))
    messages = [{"role": "user", "content": "Say hello."}]
    with httpx.Client(base_url=reference.base_url, timeout=120) as client:
        body = {"model": reference.chat_model, "messages": messages}
        _json(client, spec, "POST", "/v1/chat/completions", "/v1/chat/completions", json=body)
        chunks = _stream(client, spec, "/v1/chat/completions", {**body, "stream": True})
        assert all(c["object"] == "chat.completion.chunk" for c in chunks)
        completion = {"model": reference.chat_model, "prompt": "Say hello.", "max_tokens": 8}
        _stream(client, spec, "/v1/completions", {**completion, "stream": True})
        events = _stream(client, spec, "/v1/responses", {"model": reference.chat_model, "input": "Hi", "stream": True})
        assert events[-1]["type"] == "response.completed"


def test_llama_stack_0_3_agent_turn_stream_validates(reference_servers: ReferenceFactory) -> None:
    reference, spec = reference_servers("llama-stack==0.3.0"), load_spec("llama-stack-0.3")
    agents = "/v1alpha/agents"
    with httpx.Client(base_url=reference.base_url, timeout=120) as client:
        config = {"agent_config": {"model": reference.chat_model, "instructions": "Be brief."}}
        agent = _json(client, spec, "POST", agents, agents, json=config)["agent_id"]
        session_template = f"{agents}/{{agent_id}}/session"
        session = _json(
            client, spec, "POST", f"{agents}/{agent}/session", session_template, json={"session_name": "spec"}
        )["session_id"]
        turn = f"{agents}/{agent}/session/{session}/turn"
        template = f"{agents}/{{agent_id}}/session/{{session_id}}/turn"
        body = {"messages": [{"role": "user", "content": "Hello"}], "stream": True}
        events = _stream(client, spec, turn, body, template)
        assert events[-1]["event"]["payload"]["event_type"] == "turn_complete"
        turn_id = events[-1]["event"]["payload"]["turn"]["turn_id"]
        _json(client, spec, "GET", f"{turn}/{turn_id}", f"{template}/{{turn_id}}")
        deleted = client.delete(f"{agents}/{agent}")
        assert deleted.status_code == 204
        assert deleted.content == b""


@pytest.mark.parametrize("release", RELEASES)
def test_deletes_file_content_and_errors_are_answered_as_declared(
    reference_servers: ReferenceFactory, release: str
) -> None:
    reference, spec = reference_servers(release), load_spec(_profile_id(release))
    with httpx.Client(base_url=reference.base_url, timeout=60) as client:
        prompt = _json(
            client, spec, "POST", "/v1/prompts", "/v1/prompts", json={"prompt": "Hi {{ name }}", "variables": ["name"]}
        )
        deleted = client.delete(f"/v1/prompts/{prompt['prompt_id']}")
        declared = find_operation(spec, "DELETE", "/v1/prompts/{prompt_id}").operation["responses"]
        assert str(deleted.status_code) in declared
        if deleted.status_code == 200:
            _check(response_schema(spec, "DELETE", "/v1/prompts/{prompt_id}"), deleted.json(), "prompt delete")
        else:
            assert deleted.content == b""

        upload = {"files": {"file": ("a.txt", b"hello")}, "data": {"purpose": "assistants"}}
        uploaded = _json(client, spec, "POST", "/v1/files", "/v1/files", **upload)
        content = client.get(f"/v1/files/{uploaded['id']}/content")
        media = find_operation(spec, "GET", "/v1/files/{file_id}/content").success_content()
        assert content.headers["content-type"].split(";")[0] in media
        assert content.content == b"hello"

        missing = client.get("/v1/responses/resp_missing")
        assert missing.status_code >= 400
        _json(client, spec, "GET", "/v1/responses/resp_missing", "/v1/responses/{response_id}")
        invalid = client.post("/v1/chat/completions", json={"model": 1})
        assert invalid.status_code == 400
        _check(response_schema(spec, "POST", "/v1/chat/completions", "400"), invalid.json(), "validation error")
