"""Enum values from the profile's spec, for one operation's responses."""

from __future__ import annotations

from typing import Any

from conformance.diff import enum_index, required_keys
from conformance.spec import load_spec

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "paths": {
        "/v1/responses/{response_id}": {
            "get": {
                "responses": {
                    "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Response"}}}},
                    "404": {"$ref": "#/components/responses/NotFound"},
                }
            }
        },
        "/v1/responses/input_items": {"get": {"responses": {}}},
    },
    "components": {
        "responses": {
            "NotFound": {"content": {"application/json": {"schema": {"properties": {"code": {"enum": ["not_found"]}}}}}}
        },
        "schemas": {
            "Status": {"type": "string", "enum": ["completed", "in_progress"]},
            "Response": {
                "type": "object",
                "properties": {
                    "status": {"$ref": "#/components/schemas/Status"},
                    "object": {"const": "response"},
                    "output": {"type": "array", "items": {"anyOf": [{"$ref": "#/components/schemas/Message"}]}},
                    "parent": {"$ref": "#/components/schemas/Response"},
                },
            },
            "Message": {
                "properties": {"role": {"enum": ["assistant"]}, "status": {"$ref": "#/components/schemas/Status"}}
            },
        },
    },
}


def test_enums_are_collected_through_refs_unions_items_and_error_responses() -> None:
    assert enum_index(SPEC, "GET", "/v1/responses/resp_1") == {
        "status": frozenset({"completed", "in_progress"}),
        "object": frozenset({"response"}),
        "role": frozenset({"assistant"}),
        "code": frozenset({"not_found"}),
    }


def test_literal_paths_win_over_templates_and_unknown_operations_have_no_enums() -> None:
    assert enum_index(SPEC, "GET", "/v1/responses/input_items") == {}  # not the templated GET's enums
    assert enum_index(SPEC, "POST", "/v1/responses/x") == {}
    assert enum_index(SPEC, "GET", "/v1/nothing") == {}


def test_the_committed_spec_knows_the_response_status_values() -> None:
    enums = enum_index(load_spec("ogx-1.5"), "GET", "/v1/responses/resp_1")
    assert {"completed", "in_progress"} <= enums["status"]


def test_required_keys_come_from_the_schemas_of_the_answers_own_status() -> None:
    spec = load_spec("ogx-1.5")
    ok = required_keys(spec, "GET", "/v1/conversations/conv_1", 200)
    assert {"id", "created_at"} <= ok
    assert "error" not in ok  # only the error envelope (4xx) requires it
    assert "error" in required_keys(spec, "GET", "/v1/conversations/conv_1", 404)
    assert required_keys(spec, "GET", "/v1/nothing", 200) == frozenset()
