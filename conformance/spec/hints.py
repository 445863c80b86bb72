"""Hints: what the property suite lays over an in-memory copy of a profile's spec.

Three kinds. One for reading streams:

* ``with_done_sentinel``: an event stream whose events carry JSON may end with the OpenAI
  ``data: [DONE]`` sentinel. Schemathesis would decode it as JSON and report the stream as
  violating the schema, while our ``chat-stream-done-sentinel`` rule asks for it; the hint gives
  such ``data`` the media type :data:`SSE_JSON_OR_DONE`, whose deserializer (registered by the
  property suite) skips the sentinel and decodes every other event as JSON.

Two for generating requests only:

* ``with_id_formats``: the profile's id formats as patterns (below);
* ``with_multipart_files``: a multipart field declared ``anyOf: [<file>, null]`` (FastAPI's spelling
  of ``UploadFile | None``) is the file alone. A multipart part cannot carry a JSON null (leaving it
  out is the null), and Schemathesis decides "send as a file" from the field's own schema, so the
  wrapper made it send the file's bytes as a text field, which servers rightly reject.

The committed spec stays what upstream declares: an id parameter is a bare ``string``. Servers do
check ids, though (OGX answers 400 "Conversation ID must match format 'conv_' followed by 48
lowercase hex characters" for ``0``), so a generator that sends ``0`` as a *valid* id measures its
own noise. With the profile's formats added as ``pattern``s to an in-memory copy of the spec,
positive cases send well-formed ids of resources that do not exist (404 is then the right answer)
and negative cases send malformed ones (any 4xx is right).

Hints go on parameters (path, query, header) and on request-body properties of the same name.
A component schema that a response also uses is left alone: a hint must never make response
validation stricter than the contract.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from conformance.core.json_pointer import resolve_local_ref
from conformance.core.media_types import JSON_MEDIA_TYPE, SSE_MEDIA_TYPE
from conformance.spec.operations import iter_operations
from conformance.spec.refs import SCHEMA_PREFIX, iter_refs

__all__ = ["SSE_JSON_OR_DONE", "with_done_sentinel", "with_id_formats", "with_multipart_files"]

SSE_JSON_OR_DONE = "application/x-conformance-json-or-done"
"""The media type of an SSE event's ``data`` that is JSON, or the ``[DONE]`` sentinel."""


def with_id_formats(spec: Mapping[str, Any], formats: Mapping[str, str]) -> dict[str, Any]:
    """A deep copy of ``spec`` whose id parameters and request fields named in ``formats`` carry
    ``pattern: ^<format>$``. ``formats`` maps a parameter or property name to a regular expression."""
    # A JSON round trip, not deepcopy: YAML aliases load as shared objects, and a hint on one use must
    # not reach another (a request field sharing a schema object with a response field).
    document: dict[str, Any] = json.loads(json.dumps(spec))
    if not formats:
        return document
    request_only = _request_only_components(document)
    for operation in iter_operations(document):
        for parameter in _parameters(document, operation.path, operation.operation):
            pattern = formats.get(str(parameter.get("name", "")))
            if pattern is not None and isinstance(parameter.get("schema"), dict):
                _constrain(parameter["schema"], pattern)
        for schema in _request_schemas(operation.operation):
            _constrain_properties(schema, formats, document, request_only, seen=set())
    return document


def _parameters(document: dict[str, Any], path: str, operation: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    path_item = document.get("paths", {}).get(path, {})
    for declared in [*path_item.get("parameters", []), *operation.get("parameters", [])]:
        ref = declared.get("$ref") if isinstance(declared, dict) else None
        parameter = resolve_local_ref(document, ref) if isinstance(ref, str) else declared
        if isinstance(parameter, dict):
            yield parameter


def _request_schemas(operation: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    content = (operation.get("requestBody") or {}).get("content") or {}
    for media in content.values():
        if isinstance(media, dict) and isinstance(media.get("schema"), dict):
            yield media["schema"]


def _component_closure(document: dict[str, Any], roots: list[Any]) -> set[str]:
    """Names of the component schemas reachable from ``roots``."""
    schemas = document.get("components", {}).get("schemas", {})
    found: set[str] = set()
    pending = [ref for root in roots for ref in iter_refs(root)]
    while pending:
        ref = pending.pop()
        if not ref.startswith(SCHEMA_PREFIX):
            continue
        name = ref[len(SCHEMA_PREFIX) :]
        if name in found or name not in schemas:
            continue
        found.add(name)
        pending.extend(iter_refs(schemas[name]))
    return found


def _request_only_components(document: dict[str, Any]) -> set[str]:
    operations = [op.operation for op in iter_operations(document)]
    requests = _component_closure(document, [op.get("requestBody") for op in operations])
    responses = _component_closure(document, [op.get("responses") for op in operations])
    return requests - responses


def _constrain_properties(
    schema: dict[str, Any], formats: Mapping[str, str], document: dict[str, Any], allowed: set[str], seen: set[str]
) -> None:
    """Add patterns to the properties named in ``formats``, following refs into request-only components."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref[len(SCHEMA_PREFIX) :] if ref.startswith(SCHEMA_PREFIX) else None
        if name is None or name not in allowed or name in seen:
            return
        seen.add(name)
        schema = document["components"]["schemas"][name]
    for key, value in (schema.get("properties") or {}).items():
        if not isinstance(value, dict):
            continue
        if key in formats:
            _constrain(value, formats[key])
        else:
            _constrain_properties(value, formats, document, allowed, seen)
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(keyword) or []:
            if isinstance(branch, dict):
                _constrain_properties(branch, formats, document, allowed, seen)
    items = schema.get("items")
    if isinstance(items, dict):
        _constrain_properties(items, formats, document, allowed, seen)


def _constrain(schema: dict[str, Any], pattern: str) -> None:
    """Put ``pattern`` on every string branch of ``schema`` (through anyOf/oneOf and array items)."""
    kind = schema.get("type")
    if kind == "string" or (kind is None and "$ref" not in schema and not _has_branches(schema)):
        schema.setdefault("type", "string")
        schema.setdefault("pattern", f"^{pattern}$")
        return
    if kind == "array" and isinstance(schema.get("items"), dict):
        _constrain(schema["items"], pattern)
        return
    for keyword in ("anyOf", "oneOf"):
        for branch in schema.get(keyword) or []:
            if isinstance(branch, dict) and branch.get("type") in ("string", "array"):
                _constrain(branch, pattern)


def _has_branches(schema: Mapping[str, Any]) -> bool:
    return any(keyword in schema for keyword in ("anyOf", "oneOf", "allOf"))


def with_multipart_files(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` whose nullable multipart file fields are plain file fields."""
    document: dict[str, Any] = json.loads(json.dumps(spec))
    schemas = document.get("components", {}).get("schemas", {})
    for operation in iter_operations(document):
        content = (operation.operation.get("requestBody") or {}).get("content") or {}
        schema = (content.get("multipart/form-data") or {}).get("schema")
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            schema = schemas.get(schema["$ref"][len(SCHEMA_PREFIX) :])
        for name, field in ((schema or {}).get("properties") or {}).items():
            branches = field.get("anyOf") if isinstance(field, dict) else None
            files = [b for b in branches or [] if isinstance(b, dict) and _is_file(b)]
            if files and all(_is_file(b) or b.get("type") == "null" for b in branches or []):
                kept = {k: v for k, v in field.items() if k != "anyOf"}
                schema["properties"][name] = {**kept, **files[0]}  # type: ignore[index]
    return document


def with_done_sentinel(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` whose SSE event ``data`` declared as JSON is :data:`SSE_JSON_OR_DONE`."""
    document: dict[str, Any] = json.loads(json.dumps(spec))
    for operation in iter_operations(document):
        for response in (operation.operation.get("responses") or {}).values():
            if not isinstance(response, dict):
                continue
            media = (response.get("content") or {}).get(SSE_MEDIA_TYPE)
            schema = media.get("schema") if isinstance(media, dict) else None
            data = ((schema or {}).get("properties") or {}).get("data")
            if isinstance(data, dict) and data.get("contentMediaType") == JSON_MEDIA_TYPE:
                data["contentMediaType"] = SSE_JSON_OR_DONE
    return document


def _is_file(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "string" and (
        schema.get("contentMediaType") == "application/octet-stream" or schema.get("format") == "binary"
    )
