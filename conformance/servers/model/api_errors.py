"""OpenAI-style error answers.

Every problem with a request becomes ``{"error": {"message", "type", "param", "code"}}`` with a
4xx status, so that a conformance run sees the same error shape a real OpenAI backend would give
and never a 500 for a client's mistake.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ApiError", "error_body", "json_type"]


class ApiError(Exception):
    """A request the server refuses; turned into an OpenAI error JSON by the app."""

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        status: int = 400,
        error_type: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code
        self.status = status
        self.error_type = error_type

    def body(self) -> dict[str, Any]:
        return error_body(self.message, param=self.param, code=self.code, error_type=self.error_type)


def error_body(
    message: str, *, param: str | None = None, code: str | None = None, error_type: str = "invalid_request_error"
) -> dict[str, Any]:
    """The JSON document OpenAI sends for an error."""
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}


def json_type(value: object) -> str:
    """The JSON name of ``value``'s type, for messages such as "expected a string, got an integer"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
