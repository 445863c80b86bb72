"""Post-processing: repairs of router output, errors, streams, links, metadata, rendering and determinism."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.core.errors import HarnessError
from conformance.core.profiles import get_profile
from conformance.spec.export.errors import ERROR_RESPONSES
from conformance.spec.export.links import LinkRule, apply_links
from conformance.spec.export.pipeline import build_spec, check_outputs, write_outputs
from conformance.spec.export.postprocess import finalize
from conformance.spec.export.render import render_yaml
from conformance.spec.export.sources import get_source
from conformance.spec.export.streams import sse_event_schema, wrap_streams
from conformance.spec.refs import dangling_refs
from conformance.spec.validation import spec_errors

STANDARD = {
    "400": {"$ref": "#/components/responses/BadRequest400", "description": "Bad Request"},
    "429": {"$ref": "#/components/responses/TooManyRequests429", "description": "Too Many Requests"},
    "500": {"$ref": "#/components/responses/InternalServerError500", "description": "Internal Server Error"},
    "default": {"$ref": "#/components/responses/DefaultError", "description": "Default Response"},
}
CHOICES = ("OpenAICompletionChoice", "OpenAIChunkChoice")
CHUNK = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}, "title": "Chunk"}
ERROR_DETAIL = {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"$ref": "#/components/schemas/ErrDetail"}}}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": ref}}}


def router_raw() -> dict[str, Any]:
    """What export_routers.py prints, in miniature: dangling responses and stream schemas included."""
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "FastAPI", "version": "0.1.0"},
        "paths": {
            "/v1/files": {
                "post": {
                    "operationId": "upload_file",
                    "requestBody": {"content": _json("#/components/schemas/Thing"), "required": True},
                    "responses": {
                        "200": {
                            "description": "A thing, or a stream of chunks.",
                            "content": {
                                **_json("#/components/schemas/Thing"),
                                "text/event-stream": {"schema": {"$ref": "#/components/schemas/Chunk"}},
                            },
                        },
                        **STANDARD,
                    },
                }
            },
            "/v1/files/{file_id}": {
                "get": {
                    "operationId": "get_file",
                    "parameters": [{"name": "file_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {"description": "ok", "content": _json("#/components/schemas/Thing")},
                        **STANDARD,
                    },
                },
                "delete": {
                    "operationId": "delete_file",
                    "parameters": [{"name": "file_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {"description": "ok", "content": _json("#/components/schemas/Thing")},
                        **STANDARD,
                    },
                },
            },
        },
        "components": {
            "schemas": {
                "Thing": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
                # the profiles' sources accept null for these (served_nulls): they must exist
                **{name: {"type": "object", "properties": {"finish_reason": {"type": "string"}}} for name in CHOICES},
            }
        },
    }
    return {
        "spec": spec,
        "operations_by_api": {
            "files": [["POST", "/v1/files"], ["GET", "/v1/files/{file_id}"], ["DELETE", "/v1/files/{file_id}"]]
        },
        "derived": {
            "dangling": ["Chunk"],
            "roots": {"Chunk": "pkg.things.Chunk", "OpenAIErrorResponse": "pkg.common.errors.OpenAIErrorResponse"},
            "schemas": {"Chunk": CHUNK, "OpenAIErrorResponse": ERROR, "ErrDetail": ERROR_DETAIL},
        },
        "source": {"package": "ogx-api", "version": "1.5.0", "style": "routers", "toolchain": {"fastapi": "0"}},
    }


def finalize_router(raw: dict[str, Any] | None = None) -> dict[str, Any]:
    return finalize(raw or router_raw(), get_source("ogx-1.5"), get_profile("ogx-1.5"))


def test_the_raw_router_output_is_invalid_and_the_finalized_one_is_valid() -> None:
    raw = router_raw()
    assert "#/components/responses/BadRequest400" in dangling_refs(raw["spec"])
    assert "#/components/schemas/Chunk" in dangling_refs(raw["spec"])
    spec = finalize_router(raw)
    assert dangling_refs(spec) == []
    assert spec_errors(spec) == []
    assert raw == router_raw(), "finalize must not change its input"


def test_undefined_standard_responses_are_defined_with_the_real_envelopes_and_recorded() -> None:
    spec = finalize_router()
    responses = spec["components"]["responses"]
    assert set(ERROR_RESPONSES.values()) <= set(responses)
    assert responses["BadRequest400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorResponse"
    }
    assert spec["components"]["schemas"]["ErrorResponse"] == {
        "anyOf": [
            {"$ref": "#/components/schemas/ErrorDetailResponse"},
            {"$ref": "#/components/schemas/OpenAIErrorResponse"},
        ]
    }
    repairs = spec["x-conformance"]["repairs"]
    assert any(r["what"].startswith("components.responses: defined BadRequest400") for r in repairs)
    assert any("pkg.common.errors.OpenAIErrorResponse" in r["why"] for r in repairs)


def test_schemas_named_but_never_defined_are_derived_and_recorded() -> None:
    spec = finalize_router()
    assert spec["components"]["schemas"]["Chunk"] == CHUNK
    what = [r["what"] for r in spec["x-conformance"]["repairs"]]
    assert "components.schemas: defined Chunk (and 0 types they use)" in what


def test_a_derived_schema_that_contradicts_a_generated_one_is_an_error() -> None:
    raw = router_raw()
    raw["derived"]["schemas"]["Thing"] = {"type": "string"}
    with pytest.raises(ValueError, match="derived schema Thing differs"):
        finalize_router(raw)


def test_stream_responses_describe_the_sse_event_with_the_payload_in_data() -> None:
    spec = finalize_router()
    media = spec["paths"]["/v1/files"]["post"]["responses"]["200"]["content"]["text/event-stream"]
    assert media["schema"] == sse_event_schema({"$ref": "#/components/schemas/Chunk"})
    assert media["schema"]["properties"]["data"]["contentMediaType"] == "application/json"
    assert media["x-error-event"] == {"$ref": "#/components/schemas/OpenAIErrorResponse"}
    assert spec["x-conformance"]["streaming"] == ["POST /v1/files"]


def test_wrapping_twice_changes_nothing() -> None:
    spec = finalize_router()
    again = copy.deepcopy(spec)
    wrap_streams(again, {"$ref": "#/components/schemas/OpenAIErrorResponse"})
    assert again == spec


def test_a_stream_without_an_event_schema_is_an_error() -> None:
    spec = {"paths": {"/s": {"post": {"responses": {"200": {"content": {"text/event-stream": {}}}}}}}}
    with pytest.raises(ValueError, match="without an event schema"):
        wrap_streams(spec, {})


def test_x_conformance_records_source_counts_and_metadata() -> None:
    spec = finalize_router()
    meta = spec["x-conformance"]
    assert meta["profile"] == "ogx-1.5"
    assert meta["source"]["package"] == "ogx-api"
    assert meta["apis"] == {"files": 3}
    assert meta["operations"] == 3
    assert spec["info"]["title"] == "OGX 1.5"
    finish = spec["components"]["schemas"]["OpenAICompletionChoice"]["properties"]["finish_reason"]
    assert finish == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert any(r["what"] == "OpenAICompletionChoice.finish_reason accepts null" for r in meta["repairs"])
    assert spec["info"]["version"] == "1.5.0"


def test_operation_lists_that_do_not_add_up_are_an_error() -> None:
    raw = router_raw()
    raw["operations_by_api"]["files"].pop()
    with pytest.raises(ValueError, match="do not add up"):
        finalize_router(raw)


def test_webmethod_exports_get_the_standard_error_responses_on_every_operation() -> None:
    raw = router_raw()
    for item in raw["spec"]["paths"].values():
        for operation in item.values():
            for status in STANDARD:
                del operation["responses"][status]
    raw["notes"] = [{"what": "PUT /x is described as POST", "why": "the server says so"}]
    raw["source"] = {"package": "llama-stack", "version": "0.3.0", "style": "webmethods", "toolchain": {}}
    spec = finalize(raw, get_source("llama-stack-0.3"), get_profile("llama-stack-0.3"))
    for item in spec["paths"].values():
        for operation in item.values():
            assert {s: r["$ref"] for s, r in operation["responses"].items() if s != "200"} == {
                s: f"#/components/responses/{n}" for s, n in ERROR_RESPONSES.items()
            }
    assert spec["components"]["responses"]["TooManyRequests429"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LlamaStackErrorEnvelope"
    }
    assert {"what": "PUT /x is described as POST", "why": "the server says so"} in spec["x-conformance"]["repairs"]
    assert spec_errors(spec) == []


# --------------------------------------------------------------------------- links


def test_links_point_from_a_create_to_the_operations_using_its_id() -> None:
    spec = finalize_router()
    links = spec["paths"]["/v1/files"]["post"]["responses"]["200"]["links"]
    assert links == {
        "Get": {"operationId": "get_file", "parameters": {"path.file_id": "$response.body#/id"}},
        "Delete": {"operationId": "delete_file", "parameters": {"path.file_id": "$response.body#/id"}},
    }


def test_link_rules_whose_operations_are_missing_are_skipped_and_duplicates_refused() -> None:
    spec = router_raw()["spec"]
    rule = LinkRule("Get", "POST /v1/files", "GET /v1/files/{file_id}", {"path.file_id": "$response.body#/id"})
    missing = LinkRule("Nope", "POST /v1/files", "GET /v1/others/{id}", {"path.id": "$response.body#/id"})
    assert apply_links(spec, (rule, missing)) == [rule]
    with pytest.raises(ValueError, match="declared twice"):
        apply_links(spec, (rule,))


# --------------------------------------------------------------------------- rendering and outputs


def test_rendering_is_sorted_alias_free_and_independent_of_input_order() -> None:
    spec = finalize_router()
    shuffled = copy.deepcopy(spec)
    paths = list(shuffled["paths"].items())
    random.Random(4).shuffle(paths)
    shuffled["paths"] = dict(paths)
    shared = {"type": "string"}
    spec["components"]["schemas"]["A"] = {"properties": {"x": shared, "y": shared}}
    shuffled["components"]["schemas"]["A"] = {"properties": {"y": {"type": "string"}, "x": {"type": "string"}}}
    text = render_yaml(spec, profile="ogx-1.5", source="ogx-api==1.5.0")
    assert text == render_yaml(shuffled, profile="ogx-1.5", source="ogx-api==1.5.0")
    assert "&id" not in text
    assert "*id" not in text
    assert text.startswith("# Generated by `conformance export --profile ogx-1.5` from ogx-api==1.5.0.")
    assert yaml.safe_load(text) == json.loads(json.dumps(spec))
    keys = [line for line in text.splitlines() if not line.startswith((" ", "#", "-"))]
    assert keys == sorted(keys)


def test_build_spec_refuses_an_invalid_document() -> None:
    raw = router_raw()
    raw["spec"]["paths"]["/v1/files"]["post"]["responses"]["200"]["description"] = 7
    with pytest.raises(HarnessError, match=r"not valid OpenAPI 3\.1"):
        build_spec("ogx-1.5", raw)


def test_written_outputs_check_clean_and_a_changed_file_is_reported(tmp_path: Path) -> None:
    exported = [build_spec("ogx-1.5", router_raw())]
    written = write_outputs(exported, tmp_path)
    assert {p.name for p in written} == {"ogx-1.5.yaml", "README.md"}
    assert check_outputs(exported, tmp_path) == []
    spec_file = tmp_path / "ogx-1.5.yaml"
    spec_file.write_text(spec_file.read_text().replace("title: OGX 1.5", "title: OGX 1.6"))
    mismatches = check_outputs(exported, tmp_path)
    assert [m.path for m in mismatches] == [spec_file]
    assert "-  title: OGX 1.6" in mismatches[0].diff
    assert "+  title: OGX 1.5" in mismatches[0].diff
    (tmp_path / "README.md").unlink()
    assert tmp_path / "README.md" in [m.path for m in check_outputs(exported, tmp_path)]


def test_routes_returning_none_or_a_raw_response_get_their_real_bodies() -> None:
    raw = router_raw()
    raw["spec"]["paths"]["/v1/files/{file_id}"]["delete"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {}}
    }
    raw["returns"] = {"null": ["DELETE /v1/files/{file_id}"], "raw": ["GET /v1/files/{file_id}"]}
    spec = finalize_router(raw)
    item = spec["paths"]["/v1/files/{file_id}"]
    assert item["delete"]["responses"]["200"]["content"] == {"application/json": {"schema": {"type": "null"}}}
    assert item["get"]["responses"]["200"]["content"] == {
        "application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}
    }
    what = {r["what"] for r in spec["x-conformance"]["repairs"]}
    assert {"DELETE /v1/files/{file_id}: the 200 body is JSON null"} <= what
    assert "GET /v1/files/{file_id}: the 200 body is application/octet-stream bytes" in what


def test_a_route_returning_none_that_declares_a_schema_is_an_error() -> None:
    raw = router_raw()
    raw["returns"] = {"null": ["DELETE /v1/files/{file_id}"]}
    with pytest.raises(ValueError, match="a route returning None declares"):
        finalize_router(raw)


def test_optional_fields_stripped_of_null_upstream_accept_null_again() -> None:
    raw = router_raw()
    raw["spec"]["components"]["schemas"]["Thing"]["properties"]["id"]["description"] = "The id."
    raw["nullable"] = {"Thing": ["id"]}
    spec = finalize_router(raw)
    assert spec["components"]["schemas"]["Thing"]["properties"]["id"] == {
        "description": "The id.",
        "anyOf": [{"type": "string"}, {"type": "null"}],
    }
    assert any(
        r["what"].startswith("1 Optional properties in 1 schemas accept null") for r in spec["x-conformance"]["repairs"]
    )
    raw["nullable"] = {"Thing": ["nope"]}
    with pytest.raises(ValueError, match=r"Thing\.nope is not in the spec"):
        finalize_router(raw)
