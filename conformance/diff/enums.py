"""Enum values the profile's spec allows in one operation's responses, by property name.

The ``enum-value-unknown`` rule asks "would a client generated from the spec know this value?".
The answer comes from the operation's response schemas: every property with an ``enum`` (or a
``const``) anywhere under them, following ``$ref``, ``allOf``/``anyOf``/``oneOf``, ``items`` and
``additionalProperties``. Values are grouped by property name (the diff knows the key, not the
schema branch), which errs towards knowing a value rather than calling it unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.core.json_pointer import resolve_local_ref
from conformance.spec.operations import match_operation

__all__ = ["EnumIndex", "enum_index", "required_keys"]

EnumIndex = Mapping[str, frozenset[str]]


class _Collector:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.found: dict[str, set[str]] = {}
        self.required: set[str] = set()
        self.seen_refs: set[tuple[str, str | None]] = set()

    def resolve(self, ref: str) -> Any:
        try:
            return resolve_local_ref(self.document, ref)
        except KeyError:
            return None

    def schema(self, node: Any, name: str | None = None) -> None:
        if not isinstance(node, Mapping):
            return
        ref = node.get("$ref")
        if isinstance(ref, str):
            # Keyed by the property name too: an enum schema referenced by two properties counts for both.
            if (ref, name) not in self.seen_refs:
                self.seen_refs.add((ref, name))
                self.schema(self.resolve(ref), name)
            return
        values = [*(node.get("enum") or []), *([node["const"]] if "const" in node else [])]
        if name is not None and values:
            self.found.setdefault(name, set()).update(str(v) for v in values if isinstance(v, str))
        self.required.update(str(key) for key in node.get("required") or [] if isinstance(key, str))
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key) or []:
                self.schema(sub, name)
        for prop, sub in (node.get("properties") or {}).items():
            self.schema(sub, str(prop))
        self.schema(node.get("items"), name)
        self.schema(node.get("additionalProperties"), None)


def _walk(document: Mapping[str, Any], method: str, path: str, status: int | None = None) -> _Collector:
    """Every response schema of the operation, or (with ``status``) those declared for that status."""
    collector = _Collector(document)
    operation = match_operation(document, method, path)
    if operation is None:
        return collector
    declared_all: Mapping[str, Any] = operation.operation.get("responses") or {}
    if status is not None:
        for code in (str(status), f"{status // 100}XX", "default"):
            if code in declared_all:
                declared_all = {code: declared_all[code]}
                break
        else:
            return collector
    for declared in declared_all.values():
        response = declared
        if isinstance(declared, Mapping) and isinstance(declared.get("$ref"), str):
            response = collector.resolve(declared["$ref"])
        if not isinstance(response, Mapping):
            continue
        for media in (response.get("content") or {}).values():
            if isinstance(media, Mapping):
                collector.schema(media.get("schema"))
    return collector


def enum_index(document: Mapping[str, Any], method: str, path: str) -> dict[str, frozenset[str]]:
    """Property name -> allowed string values, over every response schema of the operation."""
    collector = _walk(document, method, path)
    return {name: frozenset(values) for name, values in collector.found.items() if values}


def required_keys(document: Mapping[str, Any], method: str, path: str, status: int) -> frozenset[str]:
    """Property names the operation's response schemas for ``status`` list as ``required``.

    Like enums, grouped by name: a key required by any of those schemas counts as required
    everywhere in the answer, which errs towards calling a left-out ``null`` breaking. Only the
    schemas of the answer's own status count: the error envelope requires ``error``, a response
    object does not.
    """
    return frozenset(_walk(document, method, path, status).required)
