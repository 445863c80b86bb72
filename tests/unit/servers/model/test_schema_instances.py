"""Generated instances validate against their schema, for every keyword the generator claims to handle."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from conformance.servers.model.schema_instances import instance_for

NODE = {
    "$defs": {
        "node": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
            },
            "required": ["name", "children"],
        }
    },
    "$ref": "#/$defs/node",
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "nested objects": {
        "type": "object",
        "properties": {
            "person": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "address": {
                        "type": "object",
                        "properties": {
                            "street": {"type": "string"},
                            "zip": {"type": "string", "pattern": "^[0-9]{5}$"},
                        },
                        "required": ["street", "zip"],
                        "additionalProperties": False,
                    },
                },
                "required": ["name", "address"],
            }
        },
        "required": ["person"],
    },
    "enums and const": {
        "type": "object",
        "properties": {
            "color": {"enum": ["red", "green"]},
            "size": {"type": "integer", "enum": [3, 5]},
            "kind": {"const": "fixed"},
            "maybe": {"type": ["string", "null"], "enum": [None, "x"]},
        },
        "required": ["color", "size", "kind", "maybe"],
    },
    "arrays with bounds": {
        "type": "object",
        "properties": {
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 5, "uniqueItems": True},
            "scores": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "uniqueItems": True},
            "empty": {"type": "array", "maxItems": 0},
            "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "boolean"}], "items": False},
        },
        "required": ["tags", "scores", "empty", "pair"],
    },
    "refs and defs": {
        "$defs": {
            "point": {
                "type": "object",
                "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
                "required": ["x", "y"],
            },
            "points": {"type": "array", "items": {"$ref": "#/$defs/point"}, "minItems": 2},
        },
        "type": "object",
        "properties": {"path": {"$ref": "#/$defs/points"}, "origin": {"$ref": "#/$defs/point"}},
        "required": ["path", "origin"],
    },
    "draft-07 definitions": {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": {"id": {"type": "string", "minLength": 10}},
        "type": "object",
        "properties": {"id": {"$ref": "#/definitions/id"}, "tuple": {"type": "array", "items": [{"type": "integer"}]}},
        "required": ["id", "tuple"],
    },
    "anyOf and oneOf": {
        "type": "object",
        "properties": {
            "value": {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 10}]},
            "shape": {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {"r": {"type": "number"}},
                        "required": ["r"],
                        "additionalProperties": False,
                    },
                    {
                        "type": "object",
                        "properties": {"w": {"type": "number"}},
                        "required": ["w"],
                        "additionalProperties": False,
                    },
                ]
            },
            "exclusive": {"oneOf": [{"type": "string"}, {"type": "string", "maxLength": 100}, {"type": "integer"}]},
        },
        "required": ["value", "shape", "exclusive"],
    },
    "allOf": {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"properties": {"b": {"type": "integer", "maximum": -3}}, "required": ["b"]},
        ]
    },
    "numbers with bounds": {
        "type": "object",
        "properties": {
            "low": {"type": "integer", "minimum": 100},
            "high": {"type": "integer", "maximum": -5},
            "between": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "open_low": {"type": "number", "exclusiveMinimum": 7.5},
            "open_int": {"type": "integer", "exclusiveMinimum": 2, "exclusiveMaximum": 4},
            "step": {"type": "integer", "minimum": 10, "multipleOf": 7},
            "fraction": {"type": "number", "minimum": 0.25, "multipleOf": 0.25},
            "tenths": {"type": "number", "minimum": 0.3, "multipleOf": 0.1},
            "draft4": {"type": "number", "minimum": 5, "exclusiveMinimum": True},
        },
        "required": ["low", "high", "between", "open_low", "open_int", "step", "fraction", "tenths"],
    },
    "strings": {
        "type": "object",
        "properties": {
            "short": {"type": "string", "maxLength": 3},
            "long": {"type": "string", "minLength": 80},
            "code": {"type": "string", "pattern": "^[A-Z]+$"},
            "when": {"type": "string", "format": "date-time"},
            "id": {"type": "string", "format": "uuid"},
            "mail": {"type": "string", "format": "email"},
        },
        "required": ["short", "long", "code", "when", "id", "mail"],
    },
    "maps and minProperties": {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": 2},
        "minProperties": 2,
    },
    "untyped keywords": {
        "properties": {"n": {"minimum": 3}, "list": {"minItems": 2}, "any": {}, "yes": True},
        "required": ["n", "list", "any", "yes"],
    },
    "recursive tree": NODE,
    "strict mode (OpenAI)": {
        "type": "object",
        "properties": {
            "steps": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"explanation": {"type": "string"}, "output": {"type": ["string", "null"]}},
                    "required": ["explanation", "output"],
                    "additionalProperties": False,
                },
            },
            "final_answer": {"type": "string"},
        },
        "required": ["steps", "final_answer"],
        "additionalProperties": False,
    },
}


@pytest.mark.parametrize("schema", list(SCHEMAS.values()), ids=list(SCHEMAS))
@pytest.mark.parametrize("text", ["What is the weather in Paris?", ""])
def test_the_instance_validates(schema: dict[str, Any], text: str) -> None:
    instance = instance_for(schema, text)
    jsonschema.validators.validator_for(schema)(schema).validate(instance)
    assert instance_for(schema, text) == instance


def test_free_text_strings_are_the_given_text_and_enums_pick_the_first() -> None:
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}, "n": {"type": "integer"}},
    }
    assert instance_for(schema, "Paris") == {"city": "Paris", "unit": "c", "n": 1}


def test_optional_properties_are_included_in_schema_order() -> None:
    schema = {"type": "object", "properties": {"b": {"type": "boolean"}, "a": {"type": "null"}}, "required": ["a"]}
    assert list(instance_for(schema, "x")) == ["b", "a"]


def test_an_empty_text_falls_back_to_value() -> None:
    assert instance_for({"type": "string"}, "  ") == "value"


def test_a_recursive_schema_stops() -> None:
    tree = instance_for(NODE, "root")
    depth = 0
    while tree["children"]:
        tree = tree["children"][0]
        depth += 1
    assert 0 < depth < 20


def test_an_unsatisfiable_recursion_terminates() -> None:
    schema = {
        "$defs": {"loop": {"type": "object", "properties": {"next": {"$ref": "#/$defs/loop"}}, "required": ["next"]}},
        "$ref": "#/$defs/loop",
    }
    instance_for(schema, "x")  # no RecursionError


def test_a_remote_ref_is_not_fetched() -> None:
    assert instance_for({"$ref": "https://example.com/schema.json"}, "x") == "x"


def test_a_wide_recursive_schema_expands_its_recursion_once() -> None:
    """Each recursive $ref is generated minimally, so n required children do not give n**depth nodes."""
    children = {f"c{i}": {"$ref": "#/$defs/node"} for i in range(6)}
    node = {"anyOf": [{"type": "object", "properties": children, "required": list(children)}, {"type": "null"}]}
    schema = {"$defs": {"node": node}, "$ref": "#/$defs/node"}
    instance = instance_for(schema, "x")
    jsonschema.validate(instance, schema)
    assert instance == dict.fromkeys(children)
