"""Finding operations in a spec, and the schemas their responses and stream events must satisfy."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from conformance.core.media_types import SSE_MEDIA_TYPE
from conformance.spec.schemas import standalone_schema

__all__ = [
    "HTTP_METHODS",
    "Operation",
    "error_event_schema",
    "event_schema",
    "find_operation",
    "iter_operations",
    "match_operation",
    "request_schema",
    "response_schema",
    "spec_operation",
    "streaming_operations",
]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class Operation(NamedTuple):
    """One operation: unpacks as ``(method, path, operation)``; ``method`` is upper case."""

    method: str
    path: str
    operation: Mapping[str, Any]

    @property
    def operation_id(self) -> str | None:
        value = self.operation.get("operationId")
        return value if isinstance(value, str) else None

    @property
    def deprecated(self) -> bool:
        return bool(self.operation.get("deprecated", False))

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    def success_content(self) -> Mapping[str, Any]:
        """``content`` of the first 2xx response (empty when it has none)."""
        responses = self.operation.get("responses", {})
        for status in sorted(responses):
            if status.startswith("2") and isinstance(responses[status], Mapping):
                content = responses[status].get("content", {})
                return content if isinstance(content, Mapping) else {}
        return {}

    @property
    def streams(self) -> bool:
        return SSE_MEDIA_TYPE in self.success_content()


def iter_operations(spec: Mapping[str, Any]) -> Iterator[Operation]:
    """Every operation, sorted by path then method."""
    for path in sorted(spec.get("paths", {})):
        item = spec["paths"][path]
        for method in HTTP_METHODS:
            if isinstance(item.get(method), Mapping):
                yield Operation(method.upper(), path, item[method])


def streaming_operations(spec: Mapping[str, Any]) -> list[Operation]:
    """Operations whose success response can be a ``text/event-stream``."""
    return [op for op in iter_operations(spec) if op.streams]


def find_operation(spec: Mapping[str, Any], method: str, path: str) -> Operation:
    """The operation ``method path`` (path as templated in the spec); ``KeyError`` when absent."""
    operation = spec.get("paths", {}).get(path, {}).get(method.lower())
    if not isinstance(operation, Mapping):
        raise KeyError(f"{method.upper()} {path} is not in the spec")
    return Operation(method.upper(), path, operation)


def match_operation(spec: Mapping[str, Any], method: str, path: str) -> Operation | None:
    """The operation serving a concrete request path (``/v1/files/file-1``), or ``None``.

    Templated segments match one segment; when several paths match, the one with the most literal
    segments wins (``/v1/vector_stores/{id}/search`` over ``/v1/vector_stores/{id}/{x}``). Only when
    nothing matches may a parameter span segments: the servers route ``/v1/models/{model_id:path}``,
    and model ids such as ``provider/model`` hold a slash that OpenAPI templates cannot show.
    """
    for spanning in (False, True):
        best: tuple[int, Operation] | None = None
        for template in spec.get("paths", {}):
            if not _template_pattern(template, spanning).match(path):
                continue
            try:
                operation = find_operation(spec, method, template)
            except KeyError:
                continue
            literal = sum(1 for segment in template.split("/") if segment and not segment.startswith("{"))
            if best is None or literal > best[0]:
                best = (literal, operation)
        if best is not None:
            return best[1]
    return None


def spec_operation(spec: Mapping[str, Any], operation: str) -> Operation | None:
    """The spec's operation for an ``METHOD /path`` label, ``None`` when it has none (or it is no such label).

    The path may be templated as in the spec, templated with other parameter names by segment
    structure (a replay's ``/v1/responses/{id}`` is ``/v1/responses/{response_id}``), or concrete
    (``/v1/responses/resp_1``): a ``{name}`` segment is matched like any concrete one.
    """
    method, _, path = operation.partition(" ")
    if not (method.isalpha() and path.startswith("/")):
        return None
    try:
        return find_operation(spec, method, path)
    except KeyError:
        return match_operation(spec, method, path)


@functools.cache
def _template_pattern(template: str, spanning: bool) -> re.Pattern[str]:
    """``/v1/files/{file_id}`` as a regex over concrete paths (compiled once: a mock matches every request)."""
    parameter = ".+" if spanning else "[^/]+"
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", parameter, re.escape(template)) + "/?$")


def _sse_media(spec: Mapping[str, Any], method: str, path: str) -> Mapping[str, Any] | None:
    media = find_operation(spec, method, path).success_content().get(SSE_MEDIA_TYPE)
    return media if isinstance(media, Mapping) else None


def event_schema(spec: Mapping[str, Any], method: str, path: str) -> dict[str, Any] | None:
    """The standalone JSON Schema each SSE ``data:`` payload of the operation must satisfy.

    ``None`` when the operation does not stream. The spec describes the event object (``data``
    carries ``contentSchema``); this returns that content schema with its components embedded.
    """
    media = _sse_media(spec, method, path)
    if media is None:
        return None
    payload = media.get("schema", {}).get("properties", {}).get("data", {}).get("contentSchema")
    if not isinstance(payload, Mapping):
        raise KeyError(f"{method.upper()} {path}: the text/event-stream schema has no data.contentSchema")
    return standalone_schema(spec, payload)


def error_event_schema(spec: Mapping[str, Any], method: str, path: str) -> dict[str, Any] | None:
    """The payload a server sends instead of an event when the stream fails (``x-error-event``)."""
    media = _sse_media(spec, method, path)
    if media is None or not isinstance(media.get("x-error-event"), Mapping):
        return None
    return standalone_schema(spec, media["x-error-event"])


def response_schema(
    spec: Mapping[str, Any], method: str, path: str, status: str = "200", media_type: str = "application/json"
) -> dict[str, Any] | None:
    """Standalone schema of one response body, following ``#/components/responses`` references."""
    responses = find_operation(spec, method, path).operation.get("responses", {})
    response = responses.get(status)
    if isinstance(response, Mapping) and "$ref" in response:
        name = str(response["$ref"]).rsplit("/", 1)[-1]
        response = spec.get("components", {}).get("responses", {}).get(name)
    if not isinstance(response, Mapping):
        return None
    media = response.get("content", {}).get(media_type)
    if not isinstance(media, Mapping) or "schema" not in media:
        return None
    return standalone_schema(spec, media["schema"])


def request_schema(
    spec: Mapping[str, Any], method: str, path: str, media_type: str = "application/json"
) -> dict[str, Any] | None:
    """Standalone schema of the operation's request body in ``media_type``; ``None`` when it declares none."""
    body = find_operation(spec, method, path).operation.get("requestBody")
    media = body.get("content", {}).get(media_type) if isinstance(body, Mapping) else None
    if not isinstance(media, Mapping) or "schema" not in media:
        return None
    return standalone_schema(spec, media["schema"])
