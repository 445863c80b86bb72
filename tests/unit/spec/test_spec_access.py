"""The spec layer's API for other code: loading, operations, standalone schemas and validators, refs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conformance.core.errors import UsageError
from conformance.spec import (
    component_schema,
    error_event_schema,
    event_schema,
    find_operation,
    iter_operations,
    load_spec,
    match_operation,
    read_spec,
    request_schema,
    response_schema,
    response_validator,
    spec_operation,
    standalone_schema,
    streaming_operations,
    validator_for,
)
from conformance.spec.export.streams import sse_event_schema
from conformance.spec.refs import dangling_refs, iter_refs, rewrite_refs

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/v1/b": {
            "get": {"responses": {"200": {"description": "ok"}}},
            "post": {
                "operationId": "make_b",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/B"}},
                            "text/event-stream": {
                                "schema": sse_event_schema({"$ref": "#/components/schemas/Event"}),
                                "x-error-event": {"$ref": "#/components/schemas/Err"},
                            },
                        },
                    },
                    "default": {"$ref": "#/components/responses/DefaultError"},
                },
            },
        },
        "/v1/a": {"delete": {"deprecated": True, "responses": {"204": {"description": "gone"}}}},
    },
    "components": {
        "responses": {
            "DefaultError": {
                "description": "err",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Err"}}},
            }
        },
        "schemas": {
            "B": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Event": {
                "oneOf": [{"$ref": "#/components/schemas/Text"}, {"$ref": "#/components/schemas/Done"}],
                "discriminator": {
                    "propertyName": "type",
                    "mapping": {"text": "#/components/schemas/Text", "done": "#/components/schemas/Done"},
                },
            },
            "Text": {
                "type": "object",
                "required": ["type", "text"],
                "properties": {"type": {"const": "text"}, "text": {"type": "string"}},
            },
            "Done": {"type": "object", "required": ["type"], "properties": {"type": {"const": "done"}}},
            "Err": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object"}}},
            "Unused": {"type": "integer"},
        },
    },
}


def test_iter_operations_unpacks_sorted_by_path_then_method() -> None:
    ops = list(iter_operations(SPEC))
    assert [(m, p) for m, p, _ in ops] == [("DELETE", "/v1/a"), ("GET", "/v1/b"), ("POST", "/v1/b")]
    assert ops[0].deprecated
    assert not ops[1].deprecated
    assert ops[2].operation_id == "make_b"
    assert ops[2].label == "POST /v1/b"


def test_streaming_operations_are_those_with_an_event_stream_success_response() -> None:
    assert [op.label for op in streaming_operations(SPEC)] == ["POST /v1/b"]


def test_find_operation_raises_key_error_for_an_unknown_operation() -> None:
    assert find_operation(SPEC, "post", "/v1/b").operation_id == "make_b"
    with pytest.raises(KeyError, match="PUT /v1/b"):
        find_operation(SPEC, "PUT", "/v1/b")


def test_match_operation_finds_the_template_of_a_concrete_path_and_prefers_literal_segments() -> None:
    spec: dict[str, Any] = {
        "paths": {
            "/v1/stores/{store_id}/{part}": {"get": {"operationId": "part"}},
            "/v1/stores/{store_id}/search": {"get": {"operationId": "search"}, "post": {"operationId": "run"}},
            "/v1/stores/{store_id}": {"delete": {"operationId": "delete"}},
        }
    }

    def label(method: str, path: str) -> str | None:
        operation = match_operation(spec, method, path)
        return f"{operation.label} {operation.operation_id}" if operation else None

    assert label("GET", "/v1/stores/vs_1/search") == "GET /v1/stores/{store_id}/search search"
    assert label("GET", "/v1/stores/vs_1/files") == "GET /v1/stores/{store_id}/{part} part"
    assert label("post", "/v1/stores/vs_1/search") == "POST /v1/stores/{store_id}/search run"
    assert label("DELETE", "/v1/stores/vs_1") == "DELETE /v1/stores/{store_id} delete"
    assert label("GET", "/v1/stores/vs_1") is None
    assert label("GET", "/v1/stores/a/b/c") == "GET /v1/stores/{store_id}/{part} part", "ids like provider/model"
    assert label("GET", "/v1/elsewhere/a") is None


def test_request_schema_is_the_json_body_schema_with_its_components_embedded() -> None:
    spec: dict[str, Any] = {
        "paths": {
            "/v1/b": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/B"}}}}
                },
                "get": {},
            }
        },
        "components": {"schemas": SPEC["components"]["schemas"]},
    }
    schema = request_schema(spec, "POST", "/v1/b")
    assert schema is not None
    assert set(schema["$defs"]) == {"B"}
    assert validator_for(schema).is_valid({"id": "x"})
    assert not validator_for(schema).is_valid({})
    assert request_schema(spec, "GET", "/v1/b") is None
    assert request_schema(spec, "POST", "/v1/b", "multipart/form-data") is None


def test_event_schema_is_the_data_payload_schema_with_its_components_embedded() -> None:
    schema = event_schema(SPEC, "POST", "/v1/b")
    assert schema is not None
    assert schema["$ref"] == "#/$defs/Event"
    assert set(schema["$defs"]) == {"Event", "Text", "Done"}
    assert schema["$defs"]["Event"]["discriminator"]["mapping"]["text"] == "#/$defs/Text"
    validator = validator_for(schema)
    assert validator.is_valid({"type": "text", "text": "hi"})
    assert validator.is_valid({"type": "done"})
    assert not validator.is_valid({"type": "text"})
    assert not validator.is_valid({"data": '{"type": "done"}'}), "the payload, not the SSE event object"
    assert event_schema(SPEC, "GET", "/v1/b") is None


def test_error_event_and_response_schemas_follow_references() -> None:
    error = error_event_schema(SPEC, "POST", "/v1/b")
    assert error is not None
    assert error["$ref"] == "#/$defs/Err"
    default = response_schema(SPEC, "POST", "/v1/b", "default")
    assert default is not None
    assert validator_for(default).is_valid({"error": {}})
    assert response_schema(SPEC, "POST", "/v1/b", "200") == {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": "#/$defs/B",
        "$defs": {"B": SPEC["components"]["schemas"]["B"]},
    }
    assert response_schema(SPEC, "DELETE", "/v1/a", "204") is None


def test_component_schema_and_undefined_references() -> None:
    assert component_schema(SPEC, "Unused")["$defs"] == {"Unused": {"type": "integer"}}
    with pytest.raises(KeyError, match="Missing"):
        component_schema(SPEC, "Missing")
    with pytest.raises(KeyError, match="Nowhere"):
        standalone_schema(SPEC, {"$ref": "#/components/schemas/Nowhere"})


def test_refs_helpers() -> None:
    refs = set(iter_refs(SPEC["components"]["schemas"]["Event"]))
    assert refs == {"#/components/schemas/Text", "#/components/schemas/Done"}
    assert dangling_refs({"x": {"$ref": "#/y"}, "z": {"discriminator": {"mapping": {"k": "#/w"}}}}) == ["#/w", "#/y"]
    assert rewrite_refs({"$ref": "#/a", "l": [{"$ref": "#/b"}]}, str.upper) == {"$ref": "#/A", "l": [{"$ref": "#/B"}]}


def test_read_spec_reports_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        read_spec(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1")
    with pytest.raises(UsageError, match="not valid YAML"):
        read_spec(bad)
    bad.write_text("just: text\n")
    with pytest.raises(UsageError, match="not an OpenAPI document"):
        read_spec(bad)


def test_load_spec_is_cached_and_rejects_unknown_profiles() -> None:
    assert load_spec("ogx-1.5") is load_spec("ogx-1.5")
    with pytest.raises(UsageError, match="unknown profile"):
        load_spec("nope-9")


def test_response_validator_validates_json_bodies_and_stream_payloads_of_a_profile() -> None:
    chunk = response_validator("ogx-1.5", "POST", "/v1/chat/completions", 200, "text/event-stream")
    assert chunk is not None
    good = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": []}
    assert chunk.is_valid(good)
    assert not chunk.is_valid({"object": "chat.completion.chunk"})
    health = response_validator("ogx-1.5", "GET", "/v1/health")
    assert health is not None
    assert not health.is_valid({"status": 3})
    assert response_validator("ogx-1.5", "GET", "/v1/nowhere") is None
    assert response_validator("ogx-1.5", "GET", "/v1/health", 200, "text/plain") is None


def test_spec_operation_names_the_spec_template_of_a_label_templated_any_way_or_concrete() -> None:
    spec: dict[str, Any] = {
        "paths": {
            "/v1/responses/{response_id}": {"get": {}, "delete": {}},
            "/v1/responses/{response_id}/input_items": {"get": {}},
            "/v1/responses/compact": {"post": {}},
            "/v1/models/{model_id}": {"get": {}},
        }
    }

    def label(operation: str) -> str | None:
        found = spec_operation(spec, operation)
        return found.label if found else None

    assert label("GET /v1/responses/{response_id}") == "GET /v1/responses/{response_id}"
    assert label("DELETE /v1/responses/{id}") == "DELETE /v1/responses/{response_id}"
    assert label("GET /v1/responses/{id}/input_items") == "GET /v1/responses/{response_id}/input_items"
    assert label("GET /v1/responses/resp_does_not_exist") == "GET /v1/responses/{response_id}"
    assert label("POST /v1/responses/compact") == "POST /v1/responses/compact"
    assert label("GET /v1/models/provider/model") == "GET /v1/models/{model_id}"
    assert label("POST /v1/responses/{id}") is None, "no POST on that path"
    assert label("all error probes") is None
    assert label("responses-chain/create") is None
