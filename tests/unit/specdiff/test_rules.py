"""Every spec-diff rule fires on a small base/revision pair and stays quiet on a near miss."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from conformance.specdiff import RULES, spec_changes

Spec = dict[str, Any]

_OBJ = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "kind": {"enum": ["a", "b"]}},
    "required": ["name"],
}
_EVENTS = {
    "oneOf": [
        {"$ref": "#/components/schemas/Created"},
        {"$ref": "#/components/schemas/Done"},
    ],
    "discriminator": {"propertyName": "type"},
}


def base() -> Spec:
    """One JSON+SSE operation with a body, a parameter and a response; a plain GET; a delete; a deprecated GET."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/v1/things": {
                "post": {
                    "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Out"}},
                                "text/event-stream": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"data": {"type": "string", "contentSchema": _EVENTS}},
                                    }
                                },
                            },
                        },
                        "400": {"description": "bad"},
                    },
                },
                "get": {"responses": {"200": {"description": "ok"}}},
            },
            "/v1/things/{id}": {"delete": {"responses": {"200": {"description": "ok"}}}},
            "/v1/other": {"get": {"deprecated": True, "responses": {"200": {"description": "ok"}}}},
        },
        "components": {
            "schemas": {
                "In": {
                    "type": "object",
                    "properties": {
                        "model": {"type": ["string", "number"]},
                        "mode": {"type": "string", "enum": ["fast", "slow"]},
                        "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "tool": {
                            "oneOf": [{"$ref": "#/components/schemas/ToolA"}, {"$ref": "#/components/schemas/ToolB"}]
                        },
                    },
                    "required": ["model"],
                },
                "ToolA": {"type": "object", "properties": {"type": {"const": "a"}}},
                "ToolB": {"type": "object", "properties": {"type": {"const": "b"}}},
                "Out": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Base"},
                        {
                            "type": "object",
                            "properties": {
                                "status": {"type": "string", "enum": ["done", "failed"]},
                                "extra": {"type": "string"},
                                "count": {"type": "integer"},
                                "item": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/ToolA"},
                                        {"$ref": "#/components/schemas/ToolB"},
                                    ]
                                },
                            },
                            "required": ["status"],
                        },
                    ]
                },
                "Base": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
                "Created": {"type": "object", "properties": {"type": {"const": "created"}, "seq": {"type": "integer"}}},
                "Done": {"type": "object", "properties": {"type": {"const": "done"}, "seq": {"type": "integer"}}},
            }
        },
    }


Edit = Callable[[Spec], None]


def _post(spec: Spec) -> dict[str, Any]:
    op: dict[str, Any] = spec["paths"]["/v1/things"]["post"]
    return op


def _schema(spec: Spec, name: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"][name]
    return schema


def _out(spec: Spec) -> dict[str, Any]:
    part: dict[str, Any] = _schema(spec, "Out")["allOf"][1]
    return part


def _in(spec: Spec) -> dict[str, Any]:
    return _schema(spec, "In")


def _sse(spec: Spec) -> dict[str, Any]:
    media: dict[str, Any] = _post(spec)["responses"]["200"]["content"]["text/event-stream"]
    return media


def _set(target: Callable[[Spec], dict[str, Any]], key: str, value: Any) -> Edit:
    return lambda spec: target(spec).__setitem__(key, value)


def _prop(target: Callable[[Spec], dict[str, Any]], name: str, value: Any) -> Edit:
    return lambda spec: target(spec)["properties"].__setitem__(name, value)


def _drop(target: Callable[[Spec], dict[str, Any]], name: str) -> Edit:
    return lambda spec: target(spec)["properties"].pop(name)


def _deprecated(spec: Spec) -> None:
    spec["paths"]["/v1/things/{id}"]["delete"]["deprecated"] = True


def _remove_delete(spec: Spec) -> None:
    del spec["paths"]["/v1/things/{id}"]


def _remove_other(spec: Spec) -> None:
    del spec["paths"]["/v1/other"]


def _remove_get(spec: Spec) -> None:
    del spec["paths"]["/v1/things"]["get"]


def _param(**fields: Any) -> Edit:
    return lambda spec: _post(spec)["parameters"].append(
        {"name": "page", "in": "query", "schema": {"type": "string"}, **fields}
    )


def _rename_path_parameter(spec: Spec) -> None:
    spec["paths"]["/v1/things/{thing_id}"] = spec["paths"].pop("/v1/things/{id}")


def _two(*edits: Edit) -> Edit:
    def edit(spec: Spec) -> None:
        for one in edits:
            one(spec)

    return edit


def _events(*names: str) -> Edit:
    def edit(spec: Spec) -> None:
        branches = [{"$ref": f"#/components/schemas/{n}"} for n in names]
        for n in names:
            spec["components"]["schemas"].setdefault(
                n, {"type": "object", "properties": {"type": {"const": n.lower()}}}
            )
        _sse(spec)["schema"]["properties"]["data"]["contentSchema"] = {**_EVENTS, "oneOf": branches}

    return edit


def _nothing(spec: Spec) -> None:
    return None


# rule id -> (the revision that fires it, a near miss that must not)
CASES: dict[str, tuple[Edit, Edit]] = {
    "api-path-removed-without-deprecation": (_remove_delete, _remove_other),
    "api-removed-without-deprecation": (_remove_get, _rename_path_parameter),
    "api-removed-after-deprecation": (_remove_other, _remove_delete),
    "api-deprecated": (_deprecated, _nothing),
    "endpoint-added": (lambda s: s["paths"].__setitem__("/v1/new", {"get": {"responses": {}}}), _rename_path_parameter),
    "new-required-request-parameter": (_param(required=True), _param()),
    "new-optional-request-parameter": (_param(), _param(required=True)),
    "request-parameter-removed": (lambda s: _post(s).__setitem__("parameters", []), _param()),
    "request-parameter-became-required": (lambda s: _post(s)["parameters"][0].__setitem__("required", True), _param()),
    "new-required-request-body": (
        lambda s: s["paths"]["/v1/other"]["get"].__setitem__("requestBody", {"required": True, "content": {}}),
        lambda s: s["paths"]["/v1/other"]["get"].__setitem__("requestBody", {"content": {}}),
    ),
    "request-body-became-required": (lambda s: _post(s)["requestBody"].__setitem__("required", True), _nothing),
    "request-body-media-type-removed": (
        lambda s: _post(s)["requestBody"].__setitem__("content", {}),
        lambda s: _post(s)["requestBody"]["content"].__setitem__("text/plain", {}),
    ),
    "new-required-request-property": (
        _two(_prop(_in, "seed", {"type": "integer"}), lambda s: _in(s)["required"].append("seed")),
        _prop(_in, "seed", {"type": "integer"}),
    ),
    "new-optional-request-property": (
        _prop(_in, "seed", {"type": "integer"}),
        _two(_prop(_in, "seed", {"type": "integer"}), lambda s: _in(s)["required"].append("seed")),
    ),
    "request-property-became-required": (lambda s: _in(s)["required"].append("mode"), _nothing),
    "request-property-removed": (_drop(_in, "mode"), _drop(_out, "extra")),
    "request-property-type-changed": (
        _prop(_in, "model", {"type": "string"}),
        _prop(_in, "model", {"type": ["string", "number", "boolean"]}),
    ),
    "request-property-type-widened": (
        _prop(_in, "model", {"type": ["string", "number", "boolean"]}),
        _prop(_in, "model", {"type": "string"}),
    ),
    "request-property-became-not-nullable": (
        _prop(_in, "note", {"type": "string"}),
        _prop(_in, "note", {"type": ["string", "null"]}),
    ),
    "request-property-became-nullable": (
        _prop(_in, "mode", {"type": ["string", "null"], "enum": ["fast", "slow"]}),
        _nothing,
    ),
    "request-property-enum-value-removed": (
        _prop(_in, "mode", {"type": "string", "enum": ["fast"]}),
        _prop(_in, "mode", {"type": "string", "enum": ["fast", "slow", "auto"]}),
    ),
    "request-property-enum-value-added": (
        _prop(_in, "mode", {"type": "string", "enum": ["fast", "slow", "auto"]}),
        _prop(_in, "mode", {"type": "string", "enum": ["fast"]}),
    ),
    "request-property-variant-removed": (
        _prop(_in, "tool", {"oneOf": [{"$ref": "#/components/schemas/ToolA"}, {"type": "null"}]}),
        _prop(_in, "tool", {"anyOf": [{"$ref": "#/components/schemas/ToolA"}, {"$ref": "#/components/schemas/ToolB"}]}),
    ),
    "request-property-variant-added": (
        _two(
            lambda s: _schema(s, "Base").__setitem__("title", "x"),
            _prop(
                _in,
                "tool",
                {
                    "oneOf": [
                        {"$ref": "#/components/schemas/ToolA"},
                        {"$ref": "#/components/schemas/ToolB"},
                        {"type": "object", "properties": {"type": {"const": "c"}}},
                    ]
                },
            ),
        ),
        _prop(_in, "tool", {"oneOf": [{"$ref": "#/components/schemas/ToolA"}, {"$ref": "#/components/schemas/ToolB"}]}),
    ),
    "response-success-status-removed": (
        lambda s: _post(s)["responses"].__setitem__("201", _post(s)["responses"].pop("200")),
        lambda s: _post(s)["responses"].pop("400"),
    ),
    "response-success-status-added": (
        lambda s: _post(s)["responses"].__setitem__("202", {"description": "later"}),
        lambda s: _post(s)["responses"].__setitem__("404", {}),
    ),
    "response-media-type-removed": (
        lambda s: _post(s)["responses"]["200"]["content"].pop("text/event-stream"),
        _nothing,
    ),
    "response-media-type-added": (
        lambda s: _post(s)["responses"]["200"]["content"].__setitem__("text/plain", {}),
        lambda s: _post(s)["responses"]["400"].__setitem__("content", {"text/plain": {}}),
    ),
    "response-property-removed": (_drop(_out, "extra"), _drop(_in, "mode")),
    "response-property-became-optional": (
        lambda s: _out(s).__setitem__("required", []),
        lambda s: _in(s).__setitem__("required", []),
    ),
    "response-property-became-nullable": (
        _prop(_out, "extra", {"anyOf": [{"type": "string"}, {"type": "null"}]}),
        _prop(_in, "mode", {"type": ["string", "null"], "enum": ["fast", "slow"]}),
    ),
    "response-property-type-changed": (
        _prop(_out, "count", {"type": ["integer", "string"]}),
        _prop(_in, "model", {"type": ["string", "number", "boolean"]}),
    ),
    "response-property-enum-value-added": (
        _prop(_out, "status", {"type": "string", "enum": ["done", "failed", "queued"]}),
        _prop(_out, "status", {"type": "string", "enum": ["done"]}),
    ),
    "response-property-enum-value-removed": (
        _prop(_out, "status", {"type": "string", "enum": ["done"]}),
        _prop(_out, "status", {"type": "string", "enum": ["done", "failed", "queued"]}),
    ),
    "response-property-variant-added": (
        _prop(
            _out,
            "item",
            {
                "oneOf": [
                    {"$ref": "#/components/schemas/ToolA"},
                    {"$ref": "#/components/schemas/ToolB"},
                    {"type": "object", "properties": {"type": {"const": "c"}}},
                ]
            },
        ),
        _prop(_out, "item", {"oneOf": [{"$ref": "#/components/schemas/ToolA"}, {"type": "null"}]}),
    ),
    "response-property-variant-removed": (
        _prop(_out, "item", {"oneOf": [{"$ref": "#/components/schemas/ToolA"}, {"type": "null"}]}),
        _prop(
            _out, "item", {"anyOf": [{"$ref": "#/components/schemas/ToolB"}, {"$ref": "#/components/schemas/ToolA"}]}
        ),
    ),
    "response-property-added": (_prop(_out, "seed", {"type": "integer"}), _prop(_in, "seed", {"type": "integer"})),
    "response-property-became-required": (
        lambda s: _out(s)["required"].append("extra"),
        lambda s: _in(s)["required"].append("mode"),
    ),
    "stream-event-type-removed": (_events("Created"), _events("Done", "Created")),
    "stream-event-type-added": (_events("Created", "Done", "Failed"), _events("Done", "Created")),
    "stream-event-payload-changed": (
        lambda s: _schema(s, "Done")["properties"].__setitem__("seq", {"type": "string"}),
        lambda s: _schema(s, "Done")["properties"]["seq"].__setitem__("description", "the number"),
    ),
}


def _changes(edit: Edit) -> set[str]:
    old = base()
    new = copy.deepcopy(old)
    edit(new)
    return {change.rule for change in spec_changes(old, new)}


def test_every_rule_has_a_case() -> None:
    assert sorted(CASES) == sorted(rule.id for rule in RULES)


def test_rule_ids_are_unique_and_kebab_case() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(i == i.lower() and " " not in i and "_" not in i for i in ids)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires(rule_id: str) -> None:
    assert rule_id in _changes(CASES[rule_id][0])


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_stays_quiet(rule_id: str) -> None:
    assert rule_id not in _changes(CASES[rule_id][1])


def test_a_spec_against_itself_has_no_changes() -> None:
    assert spec_changes(base(), base()) == []


def test_a_renamed_path_parameter_and_component_are_no_change() -> None:
    def edit(spec: Spec) -> None:
        _rename_path_parameter(spec)
        spec["components"]["schemas"]["Input"] = spec["components"]["schemas"].pop("In")
        _post(spec)["requestBody"]["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/Input"}

    assert _changes(edit) == set()


def test_a_recursive_schema_ends() -> None:
    def edit(spec: Spec) -> None:
        _schema(spec, "Base")["properties"]["parent"] = {"$ref": "#/components/schemas/Out"}

    old = base()
    edit(old)
    new = copy.deepcopy(old)
    _schema(new, "Base")["properties"]["name"] = {"type": "string"}
    assert {c.rule for c in spec_changes(old, new)} == {"response-property-added"}
