"""Deterministic instances of a JSON Schema, for tool-call arguments and structured output.

The generator walks the schema and picks the simplest value each keyword allows (first enum
value, bounds-respecting numbers, the user's words for free text). Where picking is not enough
(``anyOf``/``oneOf`` branches, enum values, ``multipleOf`` rounding) candidates are checked with
``jsonschema`` and the first valid one wins, so that what upstream servers receive validates.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

from conformance.core.json_pointer import resolve_local_ref
from conformance.servers.model.pattern_strings import matching_string

__all__ = ["MAX_DEPTH", "MAX_SIZE", "instance_for"]

MAX_DEPTH = 8
"""Below this depth only required properties and minimum array lengths are generated (stops recursion)."""
MAX_SIZE = 1000
"""Cap on generated items, properties and string padding: absurd minimums must not exhaust memory."""
_FALLBACK_TEXT = "value"
_FORMATS = {
    "date-time": "2025-01-01T00:00:00Z",
    "date": "2025-01-01",
    "time": "00:00:00Z",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "json-pointer": "/value",
    "regex": ".*",
}


def instance_for(schema: dict[str, Any], text: str) -> Any:
    """An instance of ``schema`` whose free-text strings are ``text`` (or ``"value"`` when it is empty)."""
    validator: Validator = validator_for(schema, default=Draft202012Validator)(schema)
    return _Generator(schema, validator, text.strip() or _FALLBACK_TEXT).value(schema, 0, 0)


class _Generator:
    def __init__(self, root: dict[str, Any], validator: Validator, text: str) -> None:
        self.root = root
        self.validator = validator
        self.text = text
        self.active: list[str] = []
        """``$ref`` pointers being expanded on the current path."""

    def valid(self, instance: Any, schema: Any) -> bool:
        return bool(self.validator.evolve(schema=schema).is_valid(instance))

    def resolve(self, schema: Any) -> Any:
        """Follow local ``$ref`` pointers (``#/$defs/x``, ``#/definitions/x``); sibling keywords are merged."""
        seen = 0
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and seen < 32:
            target = self._pointer(schema["$ref"])
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **siblings} if isinstance(target, dict) else target
            seen += 1
        return schema

    def _pointer(self, ref: str) -> Any:
        try:
            return resolve_local_ref(self.root, ref)
        except KeyError:
            return {}  # a dangling or remote reference (never fetched) allows anything

    def value(self, schema: Any, depth: int, variant: int) -> Any:
        """The instance of ``schema``; a ``$ref`` already being expanded (recursion) counts as deep."""
        refs = self.refs(schema)
        if any(ref in self.active for ref in refs):
            depth = max(depth, MAX_DEPTH)
        self.active += refs
        try:
            return self.generate(self.resolve(schema), depth, variant)
        finally:
            del self.active[len(self.active) - len(refs) :]

    def refs(self, schema: Any) -> list[str]:
        """The ``$ref`` chain starting at ``schema``."""
        chain: list[str] = []
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and len(chain) < 32:
            chain.append(schema["$ref"])
            schema = self._pointer(schema["$ref"])
        return chain

    def generate(self, schema: Any, depth: int, variant: int) -> Any:
        if depth > MAX_DEPTH + 4 or schema is False:
            return None  # an unsatisfiable or endlessly recursive schema: stop here
        if not isinstance(schema, dict):
            return self.string({}, variant)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            options = [option for option in schema["enum"] if self.valid(option, schema)] or schema["enum"]
            return options[variant % len(options)]
        if isinstance(schema.get("allOf"), list):
            return self.value(self.merge(schema), depth, variant)
        for keyword in ("anyOf", "oneOf"):
            if isinstance(schema.get(keyword), list) and schema[keyword]:
                return self.alternative(schema, keyword, depth, variant)
        kind = self.kind(schema)
        if kind == "object":
            return self.object(schema, depth)
        if kind == "array":
            return self.array(schema, depth)
        if kind in ("integer", "number"):
            return self.number(schema, kind, variant)
        if kind == "boolean":
            return variant % 2 == 0
        if kind == "null":
            return None
        return self.string(schema, variant)

    def merge(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``allOf`` flattened into one schema: properties merged, ``required`` united, other keywords overlaid."""
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for entry in schema["allOf"]:
            part = self.resolve(entry)
            if not isinstance(part, dict):
                continue
            flat = self.merge(part) if isinstance(part.get("allOf"), list) else part
            for key, item in flat.items():
                if key == "properties" and isinstance(item, dict):
                    merged["properties"] = {**merged.get("properties", {}), **item}
                elif key == "required" and isinstance(item, list):
                    merged["required"] = list(dict.fromkeys([*merged.get("required", []), *item]))
                else:
                    merged.setdefault(key, item)
        return merged

    def alternative(self, schema: dict[str, Any], keyword: str, depth: int, variant: int) -> Any:
        """The first branch whose instance is valid against the whole schema.

        Non-null branches come first; deep in a recursive schema the simplest branches come first
        instead, so that recursion through ``anyOf`` ends.
        """
        rest = {k: v for k, v in schema.items() if k != keyword}
        branches = list(schema[keyword])
        if depth >= MAX_DEPTH:
            branches.sort(key=lambda branch: _weight(self.resolve(branch)))
        else:
            branches.sort(key=lambda branch: _weight(self.resolve(branch)) == 0)
        candidate: Any = None
        for branch in branches:
            combined = {**rest, **branch} if isinstance(branch, dict) else branch
            candidate = self.value(combined, depth, variant)
            if self.valid(candidate, schema):
                return candidate
        return candidate

    @staticmethod
    def kind(schema: dict[str, Any]) -> str:
        declared = schema.get("type")
        if isinstance(declared, list):
            declared = next((t for t in declared if t != "null"), declared[0] if declared else None)
        if isinstance(declared, str):
            return declared
        if any(k in schema for k in ("properties", "required", "additionalProperties", "minProperties")):
            return "object"
        if any(k in schema for k in ("items", "prefixItems", "minItems", "maxItems")):
            return "array"
        if any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")):
            return "number"
        return "string"

    def object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        properties: dict[str, Any] = _typed(schema, "properties", dict, {})
        required = [name for name in _typed(schema, "required", list, []) if isinstance(name, str)]
        names = list(properties) if depth < MAX_DEPTH else [name for name in properties if name in required]
        names += [name for name in required if name not in names]
        extra = schema.get("additionalProperties", True)
        fallback = extra if isinstance(extra, dict) else {}
        result = {name: self.value(properties.get(name, fallback), depth + 1, 0) for name in names}
        wanted = min(_typed(schema, "minProperties", int, 0), MAX_SIZE)
        index = 0
        while len(result) < wanted and extra is not False:
            key = f"property_{index}"
            if key not in result:
                result[key] = self.value(fallback, depth + 1, index)
            index += 1
        return result

    def array(self, schema: dict[str, Any], depth: int) -> list[Any]:
        prefix: list[Any] = _typed(schema, "prefixItems", list, [])
        items = schema.get("items", {})
        if isinstance(items, list):  # draft 4-7 tuple form
            prefix, items = items, schema.get("additionalItems", {})
        minimum: int = _typed(schema, "minItems", int, 0)
        maximum: int | None = _typed(schema, "maxItems", int, None)
        count = min(max(minimum, len(prefix), 1 if depth < MAX_DEPTH else 0), MAX_SIZE)
        if maximum is not None:
            count = min(count, maximum)
        result = []
        for index in range(count):
            item_schema = prefix[index] if index < len(prefix) else items
            if item_schema is False:
                break
            result.append(self.value(item_schema, depth + 1, index))
        return result

    def number(self, schema: dict[str, Any], kind: str, variant: int) -> int | float:
        """``1 + variant`` moved inside the bounds, then onto a multiple of ``multipleOf``."""
        low, high = _bounds(schema, kind)
        value: float = 1 + variant
        if low is not None:
            value = max(value, low)
        if high is not None:
            value = min(value, high)
        step: float | None = schema.get("multipleOf") if _is_number(schema.get("multipleOf")) else None
        if step is not None and step > 0:
            try:
                multiple = math.ceil(value / step)
                if high is not None and multiple * step > high:
                    multiple = math.floor(high / step)
            except OverflowError:  # a step too small to divide by: keep the bounded value
                multiple = None
            if multiple is not None:
                candidates = [multiple * step, round(multiple * step, 12), multiple * step + step]
                value = next((c for c in candidates if self.valid(c, schema)), candidates[0])
        if kind == "integer" or float(value).is_integer():
            return int(value)
        return value

    def string(self, schema: dict[str, Any], variant: int) -> str:
        suffix = f"-{variant}" if variant else ""
        fmt = schema.get("format")
        if fmt == "uuid":
            digest = hashlib.sha256(f"{self.text}{suffix}".encode()).digest()
            return str(uuid.UUID(bytes=digest[:16], version=4))
        value = _FORMATS.get(fmt, self.text + suffix) if isinstance(fmt, str) else self.text + suffix
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            value = matching_string(pattern, value)
        low = min(_typed(schema, "minLength", int, 0), MAX_SIZE)
        high: int | None = _typed(schema, "maxLength", int, None)
        if high is not None:
            value = value[:high]
        if len(value) < low:
            value += "x" * (low - len(value))
        return value


def _bounds(schema: dict[str, Any], kind: str) -> tuple[float | None, float | None]:
    """Inclusive bounds from minimum/maximum and their exclusive forms (draft-4 booleans included)."""
    low = schema.get("minimum") if _is_number(schema.get("minimum")) else None
    high = schema.get("maximum") if _is_number(schema.get("maximum")) else None
    ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if ex_low is True:
        ex_low, low = low, None
    if ex_high is True:
        ex_high, high = high, None
    ex_low = ex_low if _is_number(ex_low) else None
    ex_high = ex_high if _is_number(ex_high) else None
    if kind == "integer":
        if ex_low is not None:
            low = max(low, math.floor(ex_low) + 1) if low is not None else math.floor(ex_low) + 1
        if ex_high is not None:
            high = min(high, math.ceil(ex_high) - 1) if high is not None else math.ceil(ex_high) - 1
        return (math.ceil(low) if low is not None else None), (math.floor(high) if high is not None else None)
    # For numbers an exclusive bound is replaced by a point strictly inside the range.
    if ex_low is not None and (low is None or ex_low >= low):
        top = high if high is not None else ex_high
        low = ex_low + (top - ex_low) / 2 if top is not None else ex_low + 1
    if ex_high is not None and (high is None or ex_high <= high):
        bottom = ex_low if ex_low is not None else low
        high = ex_high - (ex_high - bottom) / 4 if bottom is not None else ex_high - 1
    return low, high


def _weight(schema: Any) -> int:
    """0 for ``null``, 1 for other scalars, 2 for objects, arrays and anything else."""
    if not isinstance(schema, dict):
        return 2
    kind = schema.get("type")
    if kind == "null":
        return 0
    return 1 if kind in ("string", "integer", "number", "boolean") or "enum" in schema or "const" in schema else 2


def _typed(schema: dict[str, Any], key: str, kind: type, default: Any) -> Any:
    """``schema[key]`` when it has the expected type, else ``default`` (malformed keywords are ignored)."""
    value = schema.get(key)
    return value if isinstance(value, kind) and not isinstance(value, bool) else default


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
