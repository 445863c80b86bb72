"""conformance/spec/features.py: what a profile's spec has, for the flows that need it."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.spec.features import parse_need, profile_has, spec_has

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "paths": {
        "/v1/things": {
            "post": {
                "requestBody": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateThing"}}}
                }
            }
        },
        "/v1/things/{id}/cancel": {"post": {}},
    },
    "components": {
        "schemas": {
            "CreateThing": {
                "type": "object",
                "properties": {
                    "background": {"type": "boolean"},
                    "parts": {"items": {"$ref": "#/components/schemas/Part"}},
                },
            },
            "Part": {"properties": {"type": {"const": "input_file"}, "detail": {"enum": ["low", "high"]}}},
        }
    },
}


def test_an_operation_a_field_and_a_value_are_found_through_refs() -> None:
    assert spec_has(SPEC, "POST /v1/things")
    assert spec_has(SPEC, "POST /v1/things/{id}/cancel")
    assert spec_has(SPEC, "POST /v1/things {background}")
    assert spec_has(SPEC, "POST /v1/things 'input_file'")
    assert spec_has(SPEC, "POST /v1/things 'high'")


def test_what_the_spec_lacks_is_not_found() -> None:
    assert not spec_has(SPEC, "GET /v1/things")
    assert not spec_has(SPEC, "POST /v1/compact")
    assert not spec_has(SPEC, "POST /v1/things {truncation}")
    assert not spec_has(SPEC, "POST /v1/things 'input_image'")
    assert not spec_has(SPEC, "POST /v1/things/{id}/cancel {reason}")  # no request body at all


def test_a_malformed_need_is_refused() -> None:
    with pytest.raises(ValueError, match="malformed spec need"):
        parse_need("compact")
    assert parse_need("POST /v1/x {f}") == ("POST", "/v1/x", "f", None)


def test_the_committed_specs_differ_where_the_releases_do() -> None:
    compact = "POST /v1/responses/compact"
    assert [profile_has(p, compact) for p in ("ogx-1.5", "llama-stack-0.7", "llama-stack-0.3")] == [True, False, False]
    assert profile_has("llama-stack-0.7", "POST /v1/responses {background}")
    assert not profile_has("llama-stack-0.3", "POST /v1/responses 'input_file'")
    assert profile_has("llama-stack-0.3", "POST /v1/responses 'input_image'")
