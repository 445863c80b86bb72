"""Error responses as the servers really answer them, per release.

Every operation declares ``400``, ``429``, ``500`` and ``default`` through ``#/components/responses``
(the names llama-stack's ``router_utils.standard_responses`` uses). The bodies are the envelopes the
exception handlers of each release write, read from their sources and confirmed against the running
references:

* every release: FastAPI's own ``HTTPException`` handler writes ``{"detail": ...}`` - unknown paths
  (404), wrong methods (405) and every error a route translates into an ``HTTPException``;
* llama-stack 0.3: ``global_exception_handler`` writes ``{"error": {"detail": ...}}`` (request
  validation: ``{"errors": [{loc, msg, type}]}``; anything else: a message), the quota and auth
  middlewares write ``{"error": {"message": ...}}``;
* llama-stack 0.7 / OGX: the global handler, quota and streams write ``OpenAIErrorResponse``
  (``{"error": {"message", "type"?, "code"?}}``, derived from the package like any other type).

Nothing here is the ``Error`` schema (status/title/detail/instance) of llama-stack's published
specs: no server returns it.
"""

from __future__ import annotations

from typing import Any, Literal

from conformance.spec.refs import schema_ref

__all__ = ["ERROR_RESPONSES", "envelope_schemas", "error_event_ref", "error_responses"]

ERROR_RESPONSES = {
    "400": "BadRequest400",
    "429": "TooManyRequests429",
    "500": "InternalServerError500",
    "default": "DefaultError",
}

_VALIDATION_ERRORS: dict[str, Any] = {
    "type": "object",
    "description": "Request validation errors as llama-stack 0.3 reports them.",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["loc", "msg", "type"],
                "properties": {
                    "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        }
    },
}


def _detail(detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "FastAPI's HTTPException body: unknown paths and methods, and every error a route "
        "translates into an HTTPException (not found, invalid value, conflict, ...).",
        "required": ["detail"],
        "properties": {"detail": detail},
    }


def envelope_schemas(envelope: Literal["llama-stack-0.3", "openai"]) -> dict[str, Any]:
    """Component schemas for the release's envelopes, including ``ErrorResponse`` (any of them)."""
    if envelope == "llama-stack-0.3":
        either = {"anyOf": [{"type": "string"}, schema_ref("ValidationErrorList")]}
        return {
            "ValidationErrorList": _VALIDATION_ERRORS,
            "ErrorDetailResponse": _detail(either),
            "LlamaStackErrorEnvelope": {
                "type": "object",
                "description": "The global exception handler writes error.detail (a message or the request "
                "validation errors); the quota and auth middlewares and a failing stream write error.message.",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "minProperties": 1,
                        "properties": {"detail": either, "message": {"type": "string"}},
                    }
                },
            },
            "ErrorResponse": {"anyOf": [schema_ref("ErrorDetailResponse"), schema_ref("LlamaStackErrorEnvelope")]},
        }
    return {
        "ErrorDetailResponse": _detail({"type": "string"}),
        "ErrorResponse": {"anyOf": [schema_ref("ErrorDetailResponse"), schema_ref("OpenAIErrorResponse")]},
    }


def _middleware_envelope(envelope: Literal["llama-stack-0.3", "openai"]) -> str:
    return "LlamaStackErrorEnvelope" if envelope == "llama-stack-0.3" else "OpenAIErrorResponse"


def error_event_ref(envelope: Literal["llama-stack-0.3", "openai"]) -> dict[str, str]:
    """The payload a stream carries instead of an event when the server fails mid-stream."""
    return schema_ref(_middleware_envelope(envelope))


def error_responses(envelope: Literal["llama-stack-0.3", "openai"]) -> dict[str, Any]:
    """``components.responses`` for the four standard error responses."""
    any_error = {"application/json": {"schema": schema_ref("ErrorResponse")}}
    quota = {"application/json": {"schema": schema_ref(_middleware_envelope(envelope))}}
    return {
        "BadRequest400": {
            "description": "Bad request: the request failed validation or carried an invalid value.",
            "content": any_error,
        },
        "TooManyRequests429": {
            "description": "Too many requests: the quota middleware's limit was reached (when quotas are configured).",
            "content": quota,
        },
        "InternalServerError500": {
            "description": "Internal server error: an unexpected exception.",
            "content": any_error,
        },
        "DefaultError": {
            "description": "Any other error status (401, 403, 404, 405, 409, 413, 426, 501, 502, 504, ...).",
            "content": any_error,
        },
    }
