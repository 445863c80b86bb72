"""The committed openapi/*.yaml: valid, loadable by Schemathesis, and saying what the suite relies on."""

from __future__ import annotations

import datetime
import json
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.core.transport import Response

from conformance.core.json_pointer import resolve_local_ref
from conformance.core.profiles import PROFILES
from conformance.spec import event_schema, iter_operations, load_spec, response_schema, streaming_operations
from conformance.spec.export.readme import render_readme
from conformance.spec.refs import dangling_refs
from conformance.spec.validation import spec_errors

ALL = list(PROFILES)
# Pinned facts about the specs of the first releases (a regression in the exporter shows here). Every
# profile, pinned or not, must agree with its own generated x-conformance summary.
OPERATIONS = {"llama-stack-0.3": 131, "llama-stack-0.7": 67, "ogx-1.5": 74}
STREAMING = {
    "llama-stack-0.3": {
        "POST /v1/chat/completions",
        "POST /v1/completions",
        "POST /v1/responses",
        "POST /v1alpha/agents/{agent_id}/session/{session_id}/turn",
        "POST /v1alpha/agents/{agent_id}/session/{session_id}/turn/{turn_id}/resume",
        # and the deprecated aliases of the same five
        "POST /v1/openai/v1/chat/completions",
        "POST /v1/openai/v1/completions",
        "POST /v1/openai/v1/responses",
        "POST /v1/agents/{agent_id}/session/{session_id}/turn",
        "POST /v1/agents/{agent_id}/session/{session_id}/turn/{turn_id}/resume",
    },
    "llama-stack-0.7": {"POST /v1/chat/completions", "POST /v1/completions", "POST /v1/responses"},
    "ogx-1.5": {"POST /v1/chat/completions", "POST /v1/completions", "POST /v1/responses"},
}
CHUNK = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": []}


def _spec(profile: str) -> dict[str, Any]:
    return load_spec(profile)


@pytest.mark.parametrize("profile", ALL)
def test_spec_is_valid_openapi_3_1_without_dangling_references(profile: str) -> None:
    spec = _spec(profile)
    assert spec["openapi"] == "3.1.0"
    assert spec_errors(spec) == []
    assert dangling_refs(spec) == []


@pytest.mark.parametrize("profile", ALL)
def test_schemathesis_loads_every_operation_and_generates_requests(profile: str) -> None:
    schema = schemathesis.openapi.from_path(PROFILES[profile].spec_path)
    operations = []
    for result in schema.get_all_operations():
        operation = result.ok()  # raises on a schema error
        operations.append(operation)

        @settings(max_examples=1, phases=[Phase.generate], suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def generate(case: Any) -> None:
            case.as_transport_kwargs(base_url="http://127.0.0.1:9")

        generate()
    assert len(operations) == OPERATIONS.get(profile, len(operations)) == _spec(profile)["x-conformance"]["operations"]
    assert schema.as_state_machine() is not None  # the links resolve


@pytest.mark.parametrize("profile", ALL)
def test_operation_counts_and_streaming_operations(profile: str) -> None:
    spec = _spec(profile)
    streaming = {op.label for op in streaming_operations(spec)}
    count = len(list(iter_operations(spec)))
    assert count == spec["x-conformance"]["operations"] == OPERATIONS.get(profile, count)
    assert set(spec["x-conformance"]["streaming"]) == streaming == STREAMING.get(profile, streaming)


def test_llama_stack_0_3_has_the_twelve_agents_operations_with_real_schemas() -> None:
    spec = _spec("llama-stack-0.3")
    agents = [op for op in iter_operations(spec) if op.path.startswith("/v1alpha/agents")]
    assert len(agents) == 12
    assert not any(op.deprecated for op in agents)
    for op in agents:
        success = next(s for s in op.operation["responses"] if s.startswith("2"))
        if success == "204":
            assert op.method == "DELETE"
            continue
        schema = response_schema(spec, op.method, op.path, success)
        assert schema is not None, f"{op.label} has no JSON response"
        assert schema.get("$ref"), f"{op.label} has no real response schema"
        if op.method == "POST":
            body = op.operation["requestBody"]["content"]["application/json"]["schema"]
            assert body.get("$ref"), f"{op.label} has no request body schema"


@pytest.mark.parametrize("profile", ALL)
def test_no_json_success_response_says_nothing(profile: str) -> None:
    for op in iter_operations(_spec(profile)):
        for status, response in op.operation["responses"].items():
            media = response.get("content", {}).get("application/json") if status.startswith("2") else None
            if media is not None:
                assert media.get("schema") not in ({}, None), f"{op.label} {status}: empty schema"


@pytest.mark.parametrize("profile", ALL)
def test_every_operation_declares_the_standard_error_responses(profile: str) -> None:
    for op in iter_operations(_spec(profile)):
        assert {"400", "429", "500", "default"} <= set(op.operation["responses"]), op.label


@pytest.mark.parametrize("profile", ALL)
def test_responses_stream_events_keep_the_type_discriminator(profile: str) -> None:
    schema = event_schema(_spec(profile), "POST", "/v1/responses")
    assert schema is not None
    union = schema["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    assert union["discriminator"]["propertyName"] == "type"
    assert "response.completed" in union["discriminator"]["mapping"]


def _sse_response(body: str) -> Response:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    raw = httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body.encode(), request=request)
    raw.read()
    raw.elapsed = datetime.timedelta(0)
    return Response.from_httpx(raw, verify=True)


@pytest.mark.parametrize("profile", ALL)
def test_schemathesis_validates_each_sse_data_payload_against_the_event_schema(profile: str) -> None:
    operation = schemathesis.openapi.from_path(PROFILES[profile].spec_path)["/v1/chat/completions"]["POST"]
    operation.validate_response(_sse_response(f"data: {json.dumps(CHUNK)}\n\ndata: {json.dumps(CHUNK)}\n\n"))
    with pytest.raises(AssertionError, match="SSE event payload violates content schema"):
        operation.validate_response(_sse_response('data: {"object": "chat.completion.chunk"}\n\n'))


EXPECTED_LINKS = {
    "llama-stack-0.3": [
        ("POST /v1alpha/agents", "CreateSession"),
        ("POST /v1alpha/agents/{agent_id}/session", "CreateTurn"),
        ("POST /v1alpha/agents/{agent_id}/session/{session_id}/turn", "GetTurn"),
        ("POST /v1alpha/agents/{agent_id}/session/{session_id}/turn", "GetStep"),
        ("GET /v1alpha/agents/{agent_id}/session/{session_id}/turn/{turn_id}", "GetStep"),
        ("POST /v1alpha/agents/{agent_id}/session", "DeleteSession"),
        ("POST /v1alpha/agents", "DeleteAgent"),
        ("POST /v1/prompts", "Update"),
    ],
    "llama-stack-0.7": [("POST /v1/prompts", "SetDefaultVersion"), ("POST /v1/chat/completions", "Get")],
    "ogx-1.5": [("POST /v1/chat/completions", "ListMessages")],
}
COMMON_LINKS = [
    ("POST /v1/responses", "Get"),
    ("POST /v1/responses", "ListInputItems"),
    ("POST /v1/responses", "Delete"),
    ("POST /v1/conversations", "AddItems"),
    ("POST /v1/conversations/{conversation_id}/items", "GetItem"),
    ("POST /v1/conversations", "Delete"),
    ("POST /v1/files", "GetContent"),
    ("POST /v1/vector_stores", "AttachFile"),
    ("POST /v1/vector_stores/{vector_store_id}/files", "Get"),
    ("POST /v1/vector_stores/{vector_store_id}/file_batches", "Cancel"),
    ("POST /v1/prompts", "Get"),
]


def _links(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for op in iter_operations(spec):
        for response in op.operation["responses"].values():
            for name, link in response.get("links", {}).items():
                found[(op.label, name)] = link
    return found


@pytest.mark.parametrize("profile", ALL)
def test_the_stateful_chains_are_linked(profile: str) -> None:
    links = _links(_spec(profile))
    missing = [key for key in [*COMMON_LINKS, *EXPECTED_LINKS.get(profile, [])] if key not in links]
    assert missing == []
    assert len(links) == _spec(profile)["x-conformance"]["links"]


def _property_schema(spec: dict[str, Any], schema: dict[str, Any], name: str) -> dict[str, Any] | None:
    while "$ref" in schema:
        schema = resolve_local_ref(spec, schema["$ref"])
    prop = schema.get("properties", {}).get(name)
    return prop if isinstance(prop, dict) else None


@pytest.mark.parametrize("profile", ALL)
def test_link_expressions_name_real_parameters_and_response_fields(profile: str) -> None:
    spec = _spec(profile)
    by_id = {op.operation_id: op for op in iter_operations(spec)}
    for (source, name), link in _links(spec).items():
        target = by_id[link["operationId"]]
        declared = {f"{p['in']}.{p['name']}" for p in target.operation.get("parameters", [])}
        method, _, path = source.partition(" ")
        source_params = {p["name"] for p in spec["paths"][path][method.lower()].get("parameters", [])}
        body = spec["paths"][path][method.lower()]["responses"]["200"]["content"]["application/json"]["schema"]
        for parameter, expression in link["parameters"].items():
            assert parameter in declared, f"{source} {name}: {target.label} has no {parameter}"
            if expression.startswith("$request.path."):
                assert expression.removeprefix("$request.path.") in source_params, f"{source} {name}: {expression}"
            else:
                first = expression.removeprefix("$response.body#/").split("/")[0]
                assert _property_schema(spec, body, first) is not None, f"{source} {name}: no field {first}"


def test_the_readme_is_generated_from_the_committed_specs() -> None:
    readme = PROFILES["ogx-1.5"].spec_path.with_name("README.md").read_text()
    assert readme == render_readme({p: _spec(p) for p in ALL})
