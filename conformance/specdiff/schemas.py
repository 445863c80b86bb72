"""Two JSON Schemas of the same place, compared once into a list of :class:`SchemaFact`.

The facts say what changed and where (``items``, ``output[].content``, ``input<message>``), never
whether it breaks: that depends on the direction, and is the rule table's business. What counts:

* ``$ref`` is followed in each schema's own document, so a component renamed is no change;
* ``allOf`` is merged into one schema (properties, required, types, enums);
* ``null`` as a type, in a type list, as an ``anyOf``/``oneOf`` branch, in an ``enum`` or as
  OpenAPI 3.0's ``nullable: true`` is one flag, *nullable*; a union left with one branch is that branch;
* the branches of a union are matched by their discriminating constant (``type: "message"``), else
  by component name, title or JSON type, and compared pairwise;
* ``integer`` is a kind of ``number``; ``const`` is a one-value ``enum``.

A recursive schema is walked once per pair of components; a component pair already compared is
reported where it was first met (its facts are cached relative to it and prefixed where it is used).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from conformance.core.json_pointer import resolve_local_ref

__all__ = ["FactKind", "SchemaComparer", "SchemaFact", "json_types_of", "variant_keys"]

FactKind = Literal[
    "property-added",
    "property-removed",
    "became-required",
    "became-optional",
    "became-nullable",
    "became-not-nullable",
    "type-removed",
    "type-added",
    "enum-value-removed",
    "enum-value-added",
    "variant-removed",
    "variant-added",
]

_ALL_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array"})


@dataclass(frozen=True, slots=True)
class SchemaFact:
    kind: FactKind
    path: str
    """Where under the compared schema: ``""`` for the schema itself, ``a.b``, ``a[]``, ``a<variant>``."""
    detail: str = ""
    """The values concerned, as text: ``"string"``, ``'"auto"'``, ``required``."""


@dataclass(slots=True)
class _View:
    """A schema with references followed, ``allOf`` merged and null pulled out as a flag."""

    types: frozenset[str] | None = None
    """``None``: any type (the schema does not say)."""
    nullable: bool = False
    enum: frozenset[str] | None = None
    """JSON texts of the allowed values (null excluded); ``None``: not an enumeration."""
    properties: dict[str, Any] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    items: Any = None
    variants: dict[str, Any] = field(default_factory=dict)
    refs: tuple[str, ...] = ()


def _join(path: str, segment: str) -> str:
    if segment.startswith(("[", "<")):
        return path + segment
    return f"{path}.{segment}" if path else segment


def json_types_of(schema: Mapping[str, Any]) -> frozenset[str] | None:
    declared = schema.get("type")
    if isinstance(declared, str):
        return frozenset({declared})
    if isinstance(declared, list):
        return frozenset(t for t in declared if isinstance(t, str))
    return None


def _const_of(schema: Any, document: Mapping[str, Any], name: str) -> str | None:
    """The one value property ``name`` of ``schema`` may take (a discriminating constant), if any."""
    schema = _deref(schema, document)[0]
    if not isinstance(schema, Mapping):
        return None
    for part in [schema, *[_deref(s, document)[0] for s in schema.get("allOf", [])]]:
        if not isinstance(part, Mapping):
            continue
        prop = _deref(part.get("properties", {}).get(name), document)[0]
        if isinstance(prop, Mapping):
            if "const" in prop and isinstance(prop["const"], str):
                return str(prop["const"])
            enum = prop.get("enum")
            if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
                return str(enum[0])
    return None


def _deref(schema: Any, document: Mapping[str, Any]) -> tuple[Any, tuple[str, ...]]:
    refs: list[str] = []
    while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str) and schema["$ref"] not in refs:
        refs.append(schema["$ref"])
        try:
            schema = resolve_local_ref(document, schema["$ref"])
        except KeyError:
            return {}, tuple(refs)
    return schema, tuple(refs)


def _is_null(schema: Any, document: Mapping[str, Any]) -> bool:
    schema = _deref(schema, document)[0]
    return isinstance(schema, Mapping) and (
        schema.get("type") == "null" or ("const" in schema and schema["const"] is None)
    )


def variant_keys(branches: list[Any], document: Mapping[str, Any], discriminator: str | None) -> dict[str, Any]:
    """The branches of a union by a key that survives a release: the discriminating constant
    (``type``, or the discriminator's property), else the component name, title or JSON type."""
    keyed: dict[str, Any] = {}
    for index, branch in enumerate(branches):
        names = [n for n in (discriminator, "type") if n]
        const = next((c for n in names if (c := _const_of(branch, document, n)) is not None), None)
        resolved, refs = _deref(branch, document)
        if const is not None:
            key = const
        elif refs:
            key = refs[-1].rsplit("/", 1)[-1]
        elif isinstance(resolved, Mapping) and isinstance(resolved.get("title"), str):
            key = resolved["title"]
        elif isinstance(resolved, Mapping) and (types := json_types_of(resolved)):
            key = "|".join(sorted(types))
        else:
            key = f"#{index}"
        while key in keyed:
            key += "'"
        keyed[key] = branch
    return keyed


def _view(schema: Any, document: Mapping[str, Any]) -> _View:
    schema, refs = _deref(schema, document)
    view = _View(refs=refs)
    if not isinstance(schema, Mapping):
        return view
    parts = [schema, *(_deref(s, document)[0] for s in schema.get("allOf", []) if s is not None)]
    for part in parts:
        if not isinstance(part, Mapping):
            continue
        if part.get("nullable") is True:
            view.nullable = True
        types = json_types_of(part)
        if types is not None:
            if "null" in types:
                view.nullable = True
            types = types - {"null"}
            view.types = types if view.types is None else view.types & types
        values = [part["const"]] if "const" in part else part.get("enum")
        if isinstance(values, list):
            if any(v is None for v in values):
                view.nullable = True
            texts = frozenset(json.dumps(v, sort_keys=True) for v in values if v is not None)
            view.enum = texts if view.enum is None else view.enum & texts
        for name, prop in (part.get("properties") or {}).items():
            view.properties.setdefault(name, prop)
        view.required |= {r for r in part.get("required", []) if isinstance(r, str)}
        if "items" in part and view.items is None:
            view.items = part["items"]
    for keyword in ("anyOf", "oneOf"):
        branches = schema.get(keyword)
        if not isinstance(branches, list):
            continue
        if any(_is_null(b, document) for b in branches):
            view.nullable = True
        rest = [b for b in branches if not _is_null(b, document)]
        if len(rest) == 1:
            inner = _view(rest[0], document)
            inner.nullable = inner.nullable or view.nullable
            inner.refs = refs + inner.refs
            return inner
        views = [_view(branch, document) for branch in rest]
        if views and all(_is_scalar_enum(v) for v in views):  # anyOf of consts: an enum
            view.enum = frozenset().union(*(v.enum or () for v in views))
            view.types = frozenset().union(*(v.types or () for v in views)) or None
            continue
        marker = schema.get("discriminator")
        discriminator = marker.get("propertyName") if isinstance(marker, Mapping) else None
        view.variants = variant_keys(rest, document, discriminator)
        branch_types: set[str] = set()
        for inner in views:
            if inner.types is None:
                break
            branch_types |= inner.types
        else:
            view.types = frozenset(branch_types) if view.types is None else view.types
    return view


def _is_scalar_enum(view: _View) -> bool:
    return view.enum is not None and not (view.properties or view.variants or view.items is not None)


def _covers(types: frozenset[str] | None, other: str) -> bool:
    return types is None or other in types or (other == "integer" and "number" in types)


class SchemaComparer:
    """Compares schemas of one old document with schemas of one new document; caches component pairs."""

    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        self.old, self.new = old, new
        self._cache: dict[tuple[str, str], list[SchemaFact]] = {}
        self._active: set[tuple[str, str]] = set()

    def compare(self, old: Any, new: Any) -> list[SchemaFact]:
        return self._compare(old, new, "")

    def _compare(self, old: Any, new: Any, path: str) -> list[SchemaFact]:
        if old is None or new is None:
            return []
        old_ref, new_ref = _top_ref(old), _top_ref(new)
        if old_ref and new_ref:
            pair = (old_ref, new_ref)
            if pair in self._active:
                return []
            if pair not in self._cache:
                self._active.add(pair)
                try:
                    self._cache[pair] = self._compare_views(_view(old, self.old), _view(new, self.new), "")
                finally:
                    self._active.discard(pair)
            return [replace(f, path=_join(path, f.path) if f.path else path) for f in self._cache[pair]]
        return self._compare_views(_view(old, self.old), _view(new, self.new), path)

    def _compare_views(self, old: _View, new: _View, path: str) -> list[SchemaFact]:
        facts: list[SchemaFact] = []
        if old.nullable != new.nullable:
            facts.append(SchemaFact("became-nullable" if new.nullable else "became-not-nullable", path))
        old_types = old.types if old.types is not None else _ALL_TYPES
        new_types = new.types if new.types is not None else _ALL_TYPES
        removed = sorted(t for t in old_types if not _covers(new.types, t))
        added = sorted(t for t in new_types if not _covers(old.types, t))
        if removed:
            facts.append(SchemaFact("type-removed", path, ", ".join(removed)))
        if added:
            facts.append(SchemaFact("type-added", path, ", ".join(added)))
        if old.enum is not None or new.enum is not None:
            before = old.enum if old.enum is not None else frozenset()
            after = new.enum if new.enum is not None else frozenset()
            if old.enum is not None:
                facts += [SchemaFact("enum-value-removed", path, v) for v in sorted(before - after)]
            if new.enum is not None and old.enum is not None:
                facts += [SchemaFact("enum-value-added", path, v) for v in sorted(after - before)]
        for name in sorted(set(old.properties) | set(new.properties)):
            where = _join(path, name)
            if name not in new.properties:
                facts.append(SchemaFact("property-removed", where, "required" if name in old.required else "optional"))
            elif name not in old.properties:
                facts.append(SchemaFact("property-added", where, "required" if name in new.required else "optional"))
            else:
                if name in new.required and name not in old.required:
                    facts.append(SchemaFact("became-required", where))
                elif name in old.required and name not in new.required:
                    facts.append(SchemaFact("became-optional", where))
                facts += self._compare(old.properties[name], new.properties[name], where)
        if old.items is not None and new.items is not None:
            facts += self._compare(old.items, new.items, _join(path, "[]"))
        if old.variants or new.variants:
            facts += self._variants(old, new, path)
        return facts

    def _variants(self, old: _View, new: _View, path: str) -> list[SchemaFact]:
        facts: list[SchemaFact] = []
        if not new.variants or not old.variants:  # a union became one schema, or the other way round
            kind: FactKind = "variant-removed" if old.variants else "variant-added"
            keys = old.variants or new.variants
            return [SchemaFact(kind, path, key) for key in sorted(keys) if not _typed_key(key)]
        # Branches told apart only by JSON type are already type facts.
        for key in sorted(set(old.variants) - set(new.variants)):
            if not _typed_key(key):
                facts.append(SchemaFact("variant-removed", path, key))
        for key in sorted(set(new.variants) - set(old.variants)):
            if not _typed_key(key):
                facts.append(SchemaFact("variant-added", path, key))
        for key in sorted(set(old.variants) & set(new.variants)):
            facts += self._compare(old.variants[key], new.variants[key], _join(path, f"<{key}>"))
        return facts


def _typed_key(key: str) -> bool:
    return set(key.rstrip("'").split("|")) <= _ALL_TYPES


def _top_ref(schema: Any) -> str | None:
    return schema["$ref"] if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str) else None
