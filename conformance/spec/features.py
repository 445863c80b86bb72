"""Whether a profile's spec has what a flow needs: an operation, a request field, a literal value.

A flow that sends ``POST /v1/responses/compact``, a ``background`` field or an ``input_file`` part is
recorded only for the profiles whose spec has it, so which profile gets which flow is read from the
spec, not from the profile's name. A need is one string:

* ``"POST /v1/responses/compact"``: the operation exists;
* ``"POST /v1/responses {background}"``: its JSON request body declares the top-level property;
* ``"POST /v1/responses 'input_file'"``: its request schema (with every ``$ref`` it reaches) names
  the value, as a ``const`` or an ``enum`` member (a content part's or a tool's ``type``).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Mapping
from typing import Any

from conformance.core.errors import ConformanceError
from conformance.core.json_pointer import resolve_local_ref
from conformance.spec.loader import load_spec
from conformance.spec.operations import request_schema

__all__ = ["parse_need", "profile_has", "spec_has"]

_NEED = re.compile(r"^(?P<method>[A-Z]+) (?P<path>/\S*)(?: (?:\{(?P<field>[^}]+)\}|'(?P<value>[^']+)'))?$")


def parse_need(need: str) -> tuple[str, str, str | None, str | None]:
    """``(method, path, field, value)`` of a need; a ``ValueError`` for a malformed one."""
    match = _NEED.match(need)
    if match is None:
        raise ValueError(f"malformed spec need {need!r} (METHOD /path, optionally {{field}} or 'value')")
    return match["method"], match["path"], match["field"], match["value"]


def _operation(spec: Mapping[str, Any], method: str, path: str) -> Mapping[str, Any] | None:
    item = spec.get("paths", {}).get(path)
    operation = item.get(method.lower()) if isinstance(item, Mapping) else None
    return operation if isinstance(operation, Mapping) else None


def _names_value(schema: Any, value: str) -> bool:
    if isinstance(schema, Mapping):
        if schema.get("const") == value or value in (schema.get("enum") or ()):
            return True
        return any(_names_value(v, value) for v in schema.values())
    if isinstance(schema, list):
        return any(_names_value(v, value) for v in schema)
    return False


def _properties(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """The top-level properties of a standalone schema, following a root ``$ref`` (and ``allOf`` parts)."""
    seen: dict[str, Any] = {}
    pending: list[Any] = [schema]
    while pending:
        part = pending.pop()
        if not isinstance(part, Mapping):
            continue
        if isinstance(part.get("$ref"), str):
            with contextlib.suppress(KeyError):  # a dangling reference adds nothing
                pending.append(resolve_local_ref(schema, part["$ref"]))
        pending.extend(part.get("allOf") or ())
        if isinstance(part.get("properties"), Mapping):
            seen.update(part["properties"])
    return seen


def spec_has(spec: Mapping[str, Any], need: str) -> bool:
    """Whether ``spec`` has what ``need`` names (see the module's docstring)."""
    method, path, field, value = parse_need(need)
    if _operation(spec, method, path) is None:
        return False
    if field is None and value is None:
        return True
    schema = request_schema(spec, method, path)
    if schema is None:
        return False
    if field is not None:
        return field in _properties(schema)
    assert value is not None
    return _names_value(schema, value)


@functools.cache
def profile_has(profile_id: str, need: str) -> bool:
    """``spec_has`` on the profile's committed spec (``False`` when it cannot be read)."""
    try:
        spec = load_spec(profile_id)
    except ConformanceError:
        return False
    return spec_has(spec, need)
