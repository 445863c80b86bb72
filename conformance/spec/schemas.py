"""Standalone JSON Schemas from spec fragments, and validators for them.

A fragment of an OpenAPI document refers to ``#/components/schemas/X``, which means nothing once the
fragment is taken out of the document. ``standalone_schema`` rewrites those references to
``#/$defs/X`` and embeds every component the fragment reaches under ``$defs``, so any JSON Schema
2020-12 validator (``jsonschema``, ``jsonschema_rs``) can use it without a registry. OpenAPI's
``discriminator`` (and its mapping, rewritten too) is an annotation validators ignore.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.protocols import Validator

from conformance.spec.refs import SCHEMA_PREFIX, iter_refs, rewrite_refs

__all__ = ["DEFS_PREFIX", "component_schema", "standalone_schema", "validator_for"]

DEFS_PREFIX = "#/$defs/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _to_defs(ref: str) -> str:
    return DEFS_PREFIX + ref[len(SCHEMA_PREFIX) :] if ref.startswith(SCHEMA_PREFIX) else ref


def _reachable(components: Mapping[str, Any], start: Any) -> list[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        node = stack.pop()
        for ref in iter_refs(node):
            if not ref.startswith(SCHEMA_PREFIX):
                continue
            name = ref[len(SCHEMA_PREFIX) :]
            if name in seen:
                continue
            if name not in components:
                raise KeyError(f"{ref} is not defined in the spec")
            seen.add(name)
            stack.append(components[name])
    return sorted(seen)


def standalone_schema(spec: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` (a fragment of ``spec``) with the components it uses embedded under ``$defs``."""
    components = spec.get("components", {}).get("schemas", {})
    names = _reachable(components, schema)
    out: dict[str, Any] = {"$schema": DIALECT, **rewrite_refs(dict(schema), _to_defs)}
    if names:
        embedded = {name: rewrite_refs(components[name], _to_defs) for name in names}
        out["$defs"] = {**out.get("$defs", {}), **embedded}
    return out


def component_schema(spec: Mapping[str, Any], name: str) -> dict[str, Any]:
    """Standalone schema of ``#/components/schemas/<name>``."""
    if name not in spec.get("components", {}).get("schemas", {}):
        raise KeyError(f"{SCHEMA_PREFIX}{name} is not defined in the spec")
    return standalone_schema(spec, {"$ref": SCHEMA_PREFIX + name})


def validator_for(schema: Mapping[str, Any]) -> Validator:
    """A 2020-12 validator (with format checks) for a standalone schema."""
    validator: Validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return validator
