"""Comparing an exported spec with a served one, difference by difference."""

from __future__ import annotations

import copy
from typing import Any

from conformance.spec.compare import Difference, compare_specs, operation_set


def _doc() -> dict[str, Any]:
    return {
        "paths": {
            "/v1/x": {
                "post": {
                    "parameters": [{"name": "q", "in": "query", "required": False, "schema": {"type": "integer"}}],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Body"}}},
                    },
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}},
                        "400": {"$ref": "#/components/responses/Bad"},
                    },
                }
            }
        },
        "components": {
            "responses": {"Bad": {"content": {"application/json": {"schema": {"type": "object"}}}}},
            "schemas": {
                "Body": {"type": "object", "properties": {"name": {"type": "string", "title": "Name"}}},
                "X": {"type": "object", "properties": {"id": {"type": "string"}}},
            },
        },
    }


def test_identical_documents_and_renamed_components_have_no_differences() -> None:
    served = _doc()
    served["components"]["schemas"]["Body_x_post"] = served["components"]["schemas"].pop("Body")
    served["components"]["schemas"]["Body_x_post"]["title"] = "Body_x_post"
    body = served["paths"]["/v1/x"]["post"]["requestBody"]["content"]["application/json"]
    body["schema"] = {"$ref": "#/components/schemas/Body_x_post"}
    assert compare_specs(_doc(), served) == []
    inline = _doc()
    inline["paths"]["/v1/x"]["post"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "type": "object",
        "properties": {"id": {"type": "string"}},
    }
    assert compare_specs(_doc(), inline) == []


def test_each_kind_of_difference_is_reported_where_it_is() -> None:
    served = copy.deepcopy(_doc())
    op = served["paths"]["/v1/x"]["post"]
    op["deprecated"] = True
    op["parameters"][0]["schema"] = {"type": "string"}
    op["responses"]["200"]["content"]["application/json"]["schema"] = {}
    op["responses"]["422"] = {"content": {}}
    op["responses"]["400"] = {"$ref": "#/components/responses/Missing"}
    served["paths"]["/v1/y"] = {"get": {"responses": {}}}
    served["components"]["schemas"]["Body"]["properties"]["name"]["type"] = "integer"
    ours = _doc()
    ours["paths"]["/v1/x"]["post"]["responses"]["200"]["content"]["text/event-stream"] = {"schema": {"type": "object"}}
    assert compare_specs(ours, served) == sorted(
        [
            Difference("GET /v1/y", "operation", "only-served"),
            Difference("POST /v1/x", "deprecated", "changed"),
            Difference("POST /v1/x", "parameters/query/q/schema", "changed"),
            Difference("POST /v1/x", "requestBody/application/json", "changed"),
            Difference("POST /v1/x", "responses/200/application/json", "served-empty"),
            Difference("POST /v1/x", "responses/200/text/event-stream", "only-exported"),
            Difference("POST /v1/x", "responses/400", "served-dangling"),
            Difference("POST /v1/x", "responses/422", "only-served"),
        ]
    )
    assert operation_set(served) == {"POST /v1/x", "GET /v1/y"}


def test_recursive_schemas_compare_without_looping() -> None:
    ours = _doc()
    ours["components"]["schemas"]["X"]["properties"]["child"] = {"$ref": "#/components/schemas/X"}
    served = copy.deepcopy(ours)
    assert compare_specs(ours, served) == []
    served["components"]["schemas"]["X"]["properties"]["child"] = {"type": "null"}
    assert compare_specs(ours, served) == [Difference("POST /v1/x", "responses/200/application/json", "changed")]
