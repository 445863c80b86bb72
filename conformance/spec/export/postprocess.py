"""From what the upstream exporter printed to the spec we commit: repairs, errors, streams, links, metadata.

Each step that makes the document differ from what upstream serves appends a ``Repair`` (what and
why); they end up in the spec's top-level ``x-conformance`` block and in ``openapi/README.md``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from conformance.core.profiles import Profile
from conformance.spec.export.errors import ERROR_RESPONSES, envelope_schemas, error_event_ref, error_responses
from conformance.spec.export.links import apply_links
from conformance.spec.export.sources import ExportSource
from conformance.spec.export.streams import wrap_streams
from conformance.spec.operations import HTTP_METHODS
from conformance.spec.refs import SCHEMA_PREFIX, dangling_refs, iter_refs

__all__ = ["Repair", "finalize", "operation_count"]


@dataclass(frozen=True, slots=True)
class Repair:
    what: str
    why: str

    def as_dict(self) -> dict[str, str]:
        return {"what": self.what, "why": self.why}


_WEBMETHOD_REPAIRS = (
    Repair(
        "200 responses carry the schema of the method's return annotation",
        "the 0.3 server registers every route with response_model=None, so its served spec has `schema: {}`",
    ),
    Repair(
        "errors are declared as 400/429/500/default with the envelopes the server writes; no 422",
        "the 0.3 exception handler answers request validation errors with 400, never 422",
    ),
    Repair(
        "the /v1/openai/v1/... and /v1/agents/... alias routes are marked deprecated",
        "their @webmethod says deprecated=True; the served spec drops the flag",
    ),
    Repair(
        "a DELETE whose method returns None declares 204 with no body",
        "the server answers such a DELETE with an empty 204 response",
    ),
    Repair(
        "request bodies are components named <Method>Request (FastAPI serves them as Body_<operation id>)",
        "stable names that do not change with the route; the schemas are the same",
    ),
)


def operation_count(spec: dict[str, Any]) -> int:
    return sum(1 for item in spec.get("paths", {}).values() for method in item if method in HTTP_METHODS)


def _iter_operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for item in spec.get("paths", {}).values() for m, op in item.items() if m in HTTP_METHODS]


def _add_derived(spec: dict[str, Any], derived: dict[str, Any]) -> list[Repair]:
    """Define the schemas the routers reference by name only, from the protocol types of that name."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    added = []
    for name, schema in sorted(derived.get("schemas", {}).items()):
        if name in schemas:
            if schemas[name] != schema:
                raise ValueError(f"derived schema {name} differs from the one FastAPI generated")
            continue
        schemas[name] = schema
        added.append(name)
    roots = derived.get("roots", {})
    dangling = derived.get("dangling", [])
    if not dangling:
        return []
    nested = len((_reachable(schemas, dangling) - set(dangling)) & set(added))
    return [
        Repair(
            f"components.schemas: defined {', '.join(dangling)} (and {nested} types they use)",
            "the routers name them only in hand-written `responses=` blocks, so FastAPI never generates them "
            "and the served spec references schemas it does not define; derived from "
            + ", ".join(roots[n] for n in dangling),
        )
    ]


_ANNOTATIONS = ("title", "description", "default", "examples", "deprecated")


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    core = {k: v for k, v in schema.items() if k not in _ANNOTATIONS}
    return {**{k: v for k, v in schema.items() if k in _ANNOTATIONS}, "anyOf": [core, {"type": "null"}]}


def _restore_nulls(spec: dict[str, Any], fields: dict[str, list[str]]) -> int:
    schemas = spec["components"]["schemas"]
    count = 0
    for name, properties in sorted(fields.items()):
        for prop in properties:
            target = schemas.get(name, {}).get("properties", {})
            if prop not in target:
                raise ValueError(f"{name}.{prop} is not in the spec")
            target[prop] = _nullable(target[prop])
            count += 1
    return count


def _nulls(spec: dict[str, Any], source: ExportSource, raw: dict[str, Any]) -> list[Repair]:
    repairs = []
    removed = raw.get("nullable", {})
    if removed:
        count = _restore_nulls(spec, removed)
        repairs.append(
            Repair(
                f"{count} Optional properties in {len(removed)} schemas accept null again "
                f"(e.g. {', '.join(f'{n}.{p[0]}' for n, p in sorted(removed.items())[:3])})",
                "upstream strips null from them (json_schema_extra=remove_null_from_anyof) to read like OpenAI's "
                "documents, but the fields are Optional and the servers send null",
            )
        )
    if source.served_nulls:
        fields: dict[str, list[str]] = {}
        for name, prop in source.served_nulls:
            fields.setdefault(name, []).append(prop)
        _restore_nulls(spec, fields)
        repairs.append(
            Repair(
                f"{', '.join(f'{n}.{p}' for n, p in source.served_nulls)} accepts null",
                "the reference sends null there although the protocol type says it never is (OpenAI's API has it "
                "nullable); a spec its own reference breaks would judge nothing",
            )
        )
    return repairs


def _reachable(schemas: dict[str, Any], names: list[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(names)
    while stack:
        name = stack.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        stack += [r[len(SCHEMA_PREFIX) :] for r in iter_refs(schemas[name]) if r.startswith(SCHEMA_PREFIX)]
    return seen


_BINARY = {"type": "string", "contentMediaType": "application/octet-stream"}


def _fix_returns(spec: dict[str, Any], returns: dict[str, list[str]]) -> list[Repair]:
    """Success bodies the routers declare differently from what their endpoints return."""
    repairs = []
    for label in returns.get("null", []):
        method, _, path = label.partition(" ")
        media = spec["paths"][path][method.lower()]["responses"]["200"]["content"]["application/json"]
        if media.get("schema") not in ({}, None):
            raise ValueError(f"{label}: a route returning None declares {media['schema']}")
        media["schema"] = {"type": "null"}
        repairs.append(
            Repair(
                f"{label}: the 200 body is JSON null",
                "the route is annotated -> None, so FastAPI answers 200 with `null`; the served spec says `schema: {}`",
            )
        )
    for label in returns.get("raw", []):
        method, _, path = label.partition(" ")
        response = spec["paths"][path][method.lower()]["responses"]["200"]
        response["content"] = {"application/octet-stream": {"schema": dict(_BINARY)}}
        repairs.append(
            Repair(
                f"{label}: the 200 body is application/octet-stream bytes",
                "the route returns the implementation's Response with the file's bytes as application/octet-stream; "
                "the served spec declares application/json",
            )
        )
    return repairs


def _add_errors(spec: dict[str, Any], source: ExportSource, derived: dict[str, Any]) -> list[Repair]:
    components = spec.setdefault("components", {})
    responses = components.setdefault("responses", {})
    referenced = sorted(name for name in ERROR_RESPONSES.values() if name not in responses)
    repairs = []
    if source.style == "routers" and referenced:
        envelope = derived.get("roots", {}).get("OpenAIErrorResponse", "OpenAIErrorResponse")
        repairs.append(
            Repair(
                f"components.responses: defined {', '.join(referenced)}",
                "router_utils.standard_responses references them on every route but the package never defines them; "
                f"their bodies are the envelopes the server writes: FastAPI's {{detail}} and {envelope}",
            )
        )
    components["responses"] = {**responses, **error_responses(source.envelope)}
    components.setdefault("schemas", {}).update(envelope_schemas(source.envelope))
    missing = 0
    for operation in _iter_operations(spec):
        for status, name in ERROR_RESPONSES.items():
            if status not in operation["responses"]:
                operation["responses"][status] = {"$ref": f"#/components/responses/{name}"}
                missing += 1
    if missing and source.style == "routers":
        repairs.append(Repair(f"{missing} standard error responses added", "some routes did not declare them"))
    return repairs


def _stream_repair(source: ExportSource, streaming: list[str]) -> Repair:
    if source.style == "routers":
        return Repair(
            "text/event-stream schemas describe the SSE event; the payload schema moved to "
            "data.contentSchema (contentMediaType application/json)",
            "before OpenAPI 3.2 the media type's schema describes each event object {event, data, id}, which "
            "is how Schemathesis reads it; upstream's payload schema there would reject every real event",
        )
    return Repair(
        f"{len(streaming)} streaming operations declare text/event-stream events (data: the method's "
        "AsyncIterator item type) next to their JSON response",
        "the served spec has no stream schemas; the event types come from the protocol's return annotations",
    )


def _info(profile: Profile, source: ExportSource) -> dict[str, Any]:
    return {
        "title": profile.title,
        "version": source.version,
        "description": f"The {profile.title} API as {source.requirement} defines it; generated by "
        f"`conformance export --profile {profile.id}` (do not edit by hand). The x-conformance block lists "
        "every way this document differs from what the reference server serves, and why.",
    }


def finalize(raw: dict[str, Any], source: ExportSource, profile: Profile) -> dict[str, Any]:
    """The committed spec for ``profile`` from the exporter's output ``raw``."""
    spec: dict[str, Any] = copy.deepcopy(raw["spec"])
    derived = raw.get("derived", {})
    repairs = [Repair(n["what"], n["why"]) for n in raw.get("notes", [])]
    if source.style == "webmethods":
        repairs[:0] = _WEBMETHOD_REPAIRS
    repairs += _add_derived(spec, derived)
    repairs += _fix_returns(spec, raw.get("returns", {}))
    repairs += _nulls(spec, source, raw)
    repairs += _add_errors(spec, source, derived)
    streaming = wrap_streams(spec, error_event_ref(source.envelope))
    repairs.append(_stream_repair(source, streaming))
    links = apply_links(spec)
    if source.style == "routers":
        repairs.append(Repair("info: the profile's title and the package version", "FastAPI's default: FastAPI 0.1.0"))
    spec["info"] = _info(profile, source)
    spec["openapi"] = "3.1.0"
    by_api = raw.get("operations_by_api", {})
    spec["x-conformance"] = {
        "profile": profile.id,
        "source": raw["source"],
        "apis": {api: len(ops) for api, ops in sorted(by_api.items())},
        "operations": operation_count(spec),
        "streaming": streaming,
        "links": len(links),
        "repairs": [r.as_dict() for r in repairs],
    }
    if sum(len(ops) for ops in by_api.values()) != operation_count(spec):
        raise ValueError("the per-API operation lists do not add up to the document's operations")
    missing = dangling_refs(spec)
    if missing:
        raise ValueError(f"references that point nowhere: {', '.join(missing)}")
    _check_component_names(spec)
    return spec


def _check_component_names(spec: dict[str, Any]) -> None:
    for name in spec.get("components", {}).get("schemas", {}):
        if not all(c.isalnum() or c in "._-" for c in name):
            raise ValueError(f"component name {name!r} is not allowed by OpenAPI ({SCHEMA_PREFIX}...)")
