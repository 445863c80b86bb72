"""The OpenAPI specs: loading them for the checks, and exporting them (``conformance.spec.export``).

Other layers use ``load_spec(profile)``, the operation helpers and the standalone schemas:

* ``iter_operations(spec)`` yields ``Operation(method, path, operation)``; ``match_operation``
  finds the one serving a concrete request path, ``spec_operation`` the one an ``METHOD /path`` label
  names (templated with any parameter names, or concrete);
* ``streaming_operations(spec)`` the ones that can answer with ``text/event-stream``;
* ``event_schema(spec, method, path)`` the schema each SSE ``data:`` payload must satisfy;
* ``response_validator(profile, method, path, status, media_type)`` a cached validator;
* ``component_schema`` / ``request_schema`` / ``response_schema`` / ``validator_for`` for the rest.

Every schema these return is standalone (components embedded under ``$defs``); see
``openapi/README.md`` for the conventions of the documents themselves.
"""

from __future__ import annotations

from conformance.spec.loader import load_spec, read_spec
from conformance.spec.operations import (
    Operation,
    error_event_schema,
    event_schema,
    find_operation,
    iter_operations,
    match_operation,
    request_schema,
    response_schema,
    spec_operation,
    streaming_operations,
)
from conformance.spec.schemas import component_schema, standalone_schema, validator_for
from conformance.spec.validators import response_validator

__all__ = [
    "Operation",
    "component_schema",
    "error_event_schema",
    "event_schema",
    "find_operation",
    "iter_operations",
    "load_spec",
    "match_operation",
    "read_spec",
    "request_schema",
    "response_schema",
    "response_validator",
    "spec_operation",
    "standalone_schema",
    "streaming_operations",
    "validator_for",
]
