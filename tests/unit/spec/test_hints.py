"""spec/hints.py: id formats laid over a spec copy, on requests only."""

from __future__ import annotations

import copy
from typing import Any

from conformance.spec import load_spec
from conformance.spec.hints import with_id_formats

UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
FORMATS = {"response_id": f"resp_{UUID}", "previous_response_id": f"resp_{UUID}", "file_ids": "file-[0-9a-f]{32}"}


def _json(ref: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _spec() -> dict[str, Any]:
    nullable_string = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    response_id = {"name": "response_id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/v1/responses/{response_id}": {
                "get": {
                    "parameters": [response_id],
                    "responses": {"200": _json("Out")},
                }
            },
            "/v1/responses": {
                "post": {
                    "requestBody": _json("In"),
                    "responses": {"200": _json("Out")},
                }
            },
        },
        "components": {
            "schemas": {
                "In": {
                    "type": "object",
                    "properties": {
                        "previous_response_id": nullable_string,
                        "file_ids": {"type": "array", "items": {"type": "string"}},
                        "shared": {"$ref": "#/components/schemas/Out"},
                    },
                },
                "Out": {"type": "object", "properties": {"previous_response_id": nullable_string}},
            }
        },
    }


def test_path_parameters_get_the_format_as_an_anchored_pattern() -> None:
    hinted = with_id_formats(_spec(), FORMATS)
    parameter = hinted["paths"]["/v1/responses/{response_id}"]["get"]["parameters"][0]
    assert parameter["schema"] == {"type": "string", "pattern": f"^resp_{UUID}$"}


def test_request_fields_get_the_format_through_nullable_and_array_schemas() -> None:
    properties = with_id_formats(_spec(), FORMATS)["components"]["schemas"]["In"]["properties"]
    assert properties["previous_response_id"]["anyOf"][0]["pattern"] == f"^resp_{UUID}$"
    assert properties["previous_response_id"]["anyOf"][1] == {"type": "null"}
    assert properties["file_ids"]["items"]["pattern"] == "^file-[0-9a-f]{32}$"


def test_schemas_a_response_uses_are_never_constrained() -> None:
    hinted = with_id_formats(_spec(), FORMATS)
    assert hinted["components"]["schemas"]["Out"] == _spec()["components"]["schemas"]["Out"]


def test_the_spec_itself_is_left_as_upstream_declares_it() -> None:
    spec = _spec()
    before = copy.deepcopy(spec)
    with_id_formats(spec, FORMATS)
    assert spec == before
    assert with_id_formats(spec, {}) == before


def test_every_committed_id_parameter_of_a_profile_gets_its_format() -> None:
    from conformance.core.profiles import get_profile

    profile = get_profile("ogx-1.5")
    hinted = with_id_formats(load_spec(profile.id), profile.id_formats)
    for path, item in hinted["paths"].items():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] in profile.id_formats:
                    assert "pattern" in str(parameter["schema"]), f"{path}: {parameter['name']}"


def test_a_nullable_multipart_file_field_becomes_a_file_field() -> None:
    from conformance.spec.hints import with_multipart_files

    file = {"type": "string", "contentMediaType": "application/octet-stream"}
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/v1/process": {
                "post": {
                    "requestBody": {
                        "content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/Upload"}}}
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": {
            "schemas": {
                "Upload": {
                    "type": "object",
                    "properties": {
                        "file": {"anyOf": [file, {"type": "null"}], "title": "File"},
                        "purpose": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    },
                }
            }
        },
    }
    properties = with_multipart_files(spec)["components"]["schemas"]["Upload"]["properties"]
    assert properties["file"] == {**file, "title": "File"}
    assert properties["purpose"] == spec["components"]["schemas"]["Upload"]["properties"]["purpose"]  # type: ignore[index]
