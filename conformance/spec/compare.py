"""Differences between two OpenAPI documents of the same API, operation by operation.

Used to hold an exported spec against the ``/openapi.json`` a reference server serves: every
difference is reported with where it is and what kind it is, so a test can require each one to be
listed and justified. Schemas are compared by content with references followed, so a component
named differently (``Body_x`` vs ``XRequest``) is no difference. Annotations that constrain nothing
(``title``, ``description``, ``examples``, ``example``) are ignored; everything else counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from conformance.core.json_pointer import resolve_local_ref
from conformance.spec.operations import HTTP_METHODS

__all__ = ["ANNOTATIONS", "Difference", "Kind", "compare_specs", "operation_set"]

ANNOTATIONS = frozenset({"title", "description", "examples", "example"})

Kind = Literal["only-exported", "only-served", "served-empty", "served-dangling", "changed"]
"""``served-empty``: the served schema says nothing (``{}``); ``served-dangling``: it references
something the served document does not define."""


@dataclass(frozen=True, order=True, slots=True)
class Difference:
    operation: str
    """``METHOD path``, or ``*`` for the document."""
    location: str
    """``deprecated``, ``parameters/<in>/<name>[/required|/schema]``, ``requestBody[/<media>]``,
    ``responses/<status>[/<media>]``."""
    kind: Kind


def operation_set(spec: Mapping[str, Any]) -> set[str]:
    return {f"{m.upper()} {p}" for p, item in spec.get("paths", {}).items() for m in item if m in HTTP_METHODS}


class _Digest:
    """Content hashes of schemas with references followed; ``None`` when a reference dangles.

    Every object and array is replaced by the hash of its content, and a reference by the hash of
    its target, so a component and the same schema written inline hash alike.
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.memo: dict[str, str | None] = {}
        self.stack: list[str] = []

    def __call__(self, node: Any) -> str | None:
        value = self._value(node)
        return None if value is None else str(value)

    def _ref(self, ref: str) -> str | None:
        if ref in self.stack:
            return f"cycle:{self.stack.index(ref) - len(self.stack)}"
        if ref not in self.memo:
            try:
                target = resolve_local_ref(dict(self.document), ref)
            except KeyError:
                self.memo[ref] = None
                return None
            self.stack.append(ref)
            try:
                self.memo[ref] = self(target)
            finally:
                self.stack.pop()
        return self.memo[ref]

    def _value(self, node: Any) -> Any:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                return self._ref(node["$ref"])
            items = {}
            for key, value in node.items():
                if key in ANNOTATIONS or key == "discriminator":
                    continue  # the discriminator repeats what the oneOf says (its mapping names components)
                items[key] = self._value(value)
                if items[key] is None:
                    return None
            return _hash(items)
        if isinstance(node, list):
            values = [self._value(v) for v in node]
            return None if any(v is None for v in values) else _hash(values)
        return json.dumps(node)


def _hash(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _is_empty(schema: Any) -> bool:
    return isinstance(schema, dict) and not {k: v for k, v in schema.items() if k not in ANNOTATIONS}


def _response(document: Mapping[str, Any], response: Any) -> Mapping[str, Any] | None:
    if isinstance(response, Mapping) and "$ref" in response:
        try:
            resolved = resolve_local_ref(dict(document), str(response["$ref"]))
        except KeyError:
            return None
        return resolved if isinstance(resolved, Mapping) else None
    return response if isinstance(response, Mapping) else None


class _Comparer:
    def __init__(self, exported: Mapping[str, Any], served: Mapping[str, Any]) -> None:
        self.exported, self.served = exported, served
        self.digest_exported, self.digest_served = _Digest(exported), _Digest(served)
        self.found: list[Difference] = []

    def add(self, op: str, location: str, kind: Kind) -> None:
        self.found.append(Difference(op, location, kind))

    def schema(self, op: str, location: str, ours: Any, theirs: Any) -> None:
        theirs_digest = self.digest_served(theirs)
        if theirs_digest is None:
            self.add(op, location, "served-dangling")
        elif _is_empty(theirs) and not _is_empty(ours):
            self.add(op, location, "served-empty")
        elif self.digest_exported(ours) != theirs_digest:
            self.add(op, location, "changed")

    def keyed(self, op: str, prefix: str, ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> list[str]:
        for key in sorted(set(ours) - set(theirs)):
            self.add(op, f"{prefix}/{key}", "only-exported")
        for key in sorted(set(theirs) - set(ours)):
            self.add(op, f"{prefix}/{key}", "only-served")
        return sorted(set(ours) & set(theirs))

    def content(self, op: str, prefix: str, ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> None:
        for media in self.keyed(op, prefix, ours.get("content", {}), theirs.get("content", {})):
            mine, other = ours["content"][media], theirs["content"][media]
            if "schema" in mine or "schema" in other:
                self.schema(op, f"{prefix}/{media}", mine.get("schema", {}), other.get("schema", {}))

    def operation(self, op: str, ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> None:
        if bool(ours.get("deprecated")) != bool(theirs.get("deprecated")):
            self.add(op, "deprecated", "changed")
        params_ours = {f"{p['in']}/{p['name']}": p for p in ours.get("parameters", [])}
        params_theirs = {f"{p['in']}/{p['name']}": p for p in theirs.get("parameters", [])}
        for key in self.keyed(op, "parameters", params_ours, params_theirs):
            mine, other = params_ours[key], params_theirs[key]
            if bool(mine.get("required")) != bool(other.get("required")):
                self.add(op, f"parameters/{key}/required", "changed")
            self.schema(op, f"parameters/{key}/schema", mine.get("schema", {}), other.get("schema", {}))
        body_ours, body_theirs = ours.get("requestBody"), theirs.get("requestBody")
        if (body_ours is None) != (body_theirs is None):
            self.add(op, "requestBody", "only-exported" if body_theirs is None else "only-served")
        elif body_ours is not None and body_theirs is not None:
            if bool(body_ours.get("required")) != bool(body_theirs.get("required")):
                self.add(op, "requestBody/required", "changed")
            self.content(op, "requestBody", body_ours, body_theirs)
        for status in self.keyed(op, "responses", ours.get("responses", {}), theirs.get("responses", {})):
            mine = _response(self.exported, ours["responses"][status])
            other = _response(self.served, theirs["responses"][status])
            if other is None:
                self.add(op, f"responses/{status}", "served-dangling")
            elif mine is not None:
                self.content(op, f"responses/{status}", mine, other)


def compare_specs(exported: Mapping[str, Any], served: Mapping[str, Any]) -> list[Difference]:
    """Every difference between the two documents' operations, sorted."""
    comparer = _Comparer(exported, served)
    ours, theirs = operation_set(exported), operation_set(served)
    for op in sorted(ours - theirs):
        comparer.add(op, "operation", "only-exported")
    for op in sorted(theirs - ours):
        comparer.add(op, "operation", "only-served")
    for op in sorted(ours & theirs):
        method, _, path = op.partition(" ")
        comparer.operation(op, exported["paths"][path][method.lower()], served["paths"][path][method.lower()])
    return sorted(set(comparer.found))
