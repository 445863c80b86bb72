"""Two OpenAPI documents compared once, into the flat list of facts the rule table reads.

Operations are matched by method and path with the names of path parameters ignored
(``/v1/files/{id}`` is ``/v1/files/{file_id}``); path parameters by position, the others by
``in`` and name. ``text/event-stream`` responses are compared event type by event type: the types
are the branches of the ``data`` payload union (``properties.data.contentSchema``), keyed by their
discriminating constant, and each type's payload is compared like any response schema.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conformance.core.json_pointer import resolve_local_ref
from conformance.core.media_types import SSE_MEDIA_TYPE
from conformance.spec.operations import iter_operations
from conformance.specdiff.model import Direction
from conformance.specdiff.schemas import SchemaComparer, variant_keys

__all__ = ["Fact", "diff_documents", "operation_labels"]

_TEMPLATE = re.compile(r"\{[^/}]+\}")


@dataclass(frozen=True, slots=True)
class Fact:
    """One precomputed difference: an operation's (``operation-removed``, ``status-removed``, ...)
    or a schema's (a :data:`~conformance.specdiff.schemas.FactKind` with ``direction`` set)."""

    kind: str
    operation: str
    location: str = ""
    path: str = ""
    detail: str = ""
    direction: Direction | None = None
    in_event: bool = False
    """A schema fact inside a stream event's payload."""


def _norm(path: str) -> str:
    return _TEMPLATE.sub("{}", path)


def _resolve(node: Any, document: Mapping[str, Any]) -> Any:
    seen = 0
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and seen < 16:
        seen += 1
        try:
            node = resolve_local_ref(document, node["$ref"])
        except KeyError:
            return {}
    return node


def _operations(document: Mapping[str, Any]) -> dict[tuple[str, str], tuple[str, Mapping[str, Any], list[Any]]]:
    """(method, normalized path) -> (label, operation, the path item's parameters)."""
    found = {}
    for op in iter_operations(document):
        shared = document["paths"][op.path].get("parameters", [])
        found[(op.method, _norm(op.path))] = (op.label, op.operation, list(shared) if isinstance(shared, list) else [])
    return found


def operation_labels(document: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """(method, path with parameter names erased) -> ``METHOD /path``: how spec-diff matches operations."""
    return {key: label for key, (label, _, _) in _operations(document).items()}


def _parameters(
    label: str, operation: Mapping[str, Any], shared: list[Any], document: Mapping[str, Any]
) -> dict[str, Mapping[str, Any]]:
    path = label.split(" ", 1)[1]
    positions = {name: i for i, name in enumerate(m.group(0)[1:-1] for m in _TEMPLATE.finditer(path))}
    merged: dict[str, Mapping[str, Any]] = {}
    for raw in [*shared, *operation.get("parameters", [])]:
        param = _resolve(raw, document)
        if not isinstance(param, Mapping) or "name" not in param:
            continue
        where = param.get("in", "query")
        key = f"path #{positions.get(param['name'], param['name'])}" if where == "path" else f"{where} {param['name']}"
        merged[key] = param
    return merged


def _event_types(media: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, Any]:
    """The event types of a stream and each one's payload schema."""
    payload = (media.get("schema") or {}).get("properties", {}).get("data", {}).get("contentSchema")
    if payload is None:
        return {}
    resolved = _resolve(payload, document)
    branches = resolved.get("oneOf") or resolved.get("anyOf") if isinstance(resolved, Mapping) else None
    if isinstance(branches, list) and len(branches) > 1:
        discriminator = resolved.get("discriminator") or {}
        return variant_keys(branches, document, discriminator.get("propertyName"))
    return {"(data)": payload}


class _Differ:
    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        self.old, self.new = old, new
        self.schemas = SchemaComparer(old, new)
        self.facts: list[Fact] = []

    def add(self, kind: str, operation: str, location: str = "", detail: str = "") -> None:
        self.facts.append(Fact(kind, operation, location, detail=detail))

    def schema(
        self, op: str, location: str, old: Any, new: Any, direction: Direction, *, in_event: bool = False
    ) -> None:
        for fact in self.schemas.compare(old, new):
            self.facts.append(Fact(fact.kind, op, location, fact.path, fact.detail, direction, in_event))

    def run(self) -> list[Fact]:
        old_ops, new_ops = _operations(self.old), _operations(self.new)
        new_paths = {path for _, path in new_ops}
        for key in sorted(set(old_ops) - set(new_ops)):
            label, operation, _ = old_ops[key]
            flags = ["deprecated"] if operation.get("deprecated") else []
            flags += ["whole-path"] if key[1] not in new_paths else []
            self.add("operation-removed", label, detail=" ".join(flags))
        for key in sorted(set(new_ops) - set(old_ops)):
            self.add("operation-added", new_ops[key][0])
        for key in sorted(set(old_ops) & set(new_ops)):
            self.operation(old_ops[key], new_ops[key])
        return self.facts

    def operation(
        self, old: tuple[str, Mapping[str, Any], list[Any]], new: tuple[str, Mapping[str, Any], list[Any]]
    ) -> None:
        label, before, after = old[0], old[1], new[1]
        if after.get("deprecated") and not before.get("deprecated"):
            self.add("deprecated", label)
        self.parameters(
            label, _parameters(label, before, old[2], self.old), _parameters(new[0], after, new[2], self.new)
        )
        self.request_body(
            label, _resolve(before.get("requestBody"), self.old), _resolve(after.get("requestBody"), self.new)
        )
        self.responses(label, before.get("responses") or {}, after.get("responses") or {})

    def parameters(self, op: str, old: dict[str, Mapping[str, Any]], new: dict[str, Mapping[str, Any]]) -> None:
        for key in sorted(set(new) - set(old)):
            self.add(
                "parameter-added",
                op,
                f"{new[key].get('in')} parameter {new[key]['name']}",
                "required" if new[key].get("required") else "optional",
            )
        for key in sorted(set(old) - set(new)):
            self.add("parameter-removed", op, f"{old[key].get('in')} parameter {old[key]['name']}")
        for key in sorted(set(old) & set(new)):
            location = f"{new[key].get('in')} parameter {new[key]['name']}"
            if new[key].get("required") and not old[key].get("required"):
                self.add("parameter-became-required", op, location)
            self.schema(op, location, old[key].get("schema"), new[key].get("schema"), Direction.REQUEST)

    def request_body(self, op: str, old: Any, new: Any) -> None:
        if not isinstance(new, Mapping) or not new:
            return  # a body no longer read is the server's business
        if not isinstance(old, Mapping) or not old:
            if new.get("required"):
                self.add("body-added-required", op, "request body")
            return
        if new.get("required") and not old.get("required"):
            self.add("body-became-required", op, "request body")
        old_content, new_content = old.get("content") or {}, new.get("content") or {}
        for media in sorted(set(old_content) - set(new_content)):
            self.add("request-media-removed", op, "request body", media)
        for media in sorted(set(old_content) & set(new_content)):
            self.schema(
                op,
                f"request body {media}",
                old_content[media].get("schema"),
                new_content[media].get("schema"),
                Direction.REQUEST,
            )

    def responses(self, op: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        for status in sorted(s for s in set(old) - set(new) if str(s).startswith("2")):
            self.add("status-removed", op, f"response {status}", str(status))
        for status in sorted(s for s in set(new) - set(old) if str(s).startswith("2")):
            self.add("status-added", op, f"response {status}", str(status))
        for status in sorted(set(old) & set(new)):
            if not str(status).startswith("2"):
                continue  # error answers are judged by the error contract, not as a client's data
            before, after = _resolve(old[status], self.old), _resolve(new[status], self.new)
            old_content = before.get("content") or {} if isinstance(before, Mapping) else {}
            new_content = after.get("content") or {} if isinstance(after, Mapping) else {}
            location = f"response {status}"
            for media in sorted(set(old_content) - set(new_content)):
                self.add("response-media-removed", op, location, media)
            for media in sorted(set(new_content) - set(old_content)):
                self.add("response-media-added", op, location, media)
            for media in sorted(set(old_content) & set(new_content)):
                if media == SSE_MEDIA_TYPE:
                    self.stream(op, f"{location} {media}", old_content[media], new_content[media])
                else:
                    self.schema(
                        op,
                        f"{location} {media}",
                        old_content[media].get("schema"),
                        new_content[media].get("schema"),
                        Direction.RESPONSE,
                    )

    def stream(self, op: str, location: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        before, after = _event_types(old, self.old), _event_types(new, self.new)
        for event in sorted(set(before) - set(after)):
            self.add("event-type-removed", op, location, event)
        for event in sorted(set(after) - set(before)):
            self.add("event-type-added", op, location, event)
        for event in sorted(set(before) & set(after)):
            count = len(self.facts)
            self.schema(op, f"{location} event {event}", before[event], after[event], Direction.RESPONSE, in_event=True)
            if len(self.facts) > count:
                self.add("event-payload-changed", op, location, event)


def diff_documents(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Fact]:
    """Every fact, in a stable order (operations sorted, then where they were found)."""
    return _Differ(old, new).run()
