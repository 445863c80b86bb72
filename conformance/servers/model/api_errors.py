"""OpenAI-style error answers.

Every problem with a request becomes ``{"error": {"message", "type", "param", "code"}}`` with a
4xx status, so that a conformance run sees the same error shape a real OpenAI backend would give
and never a 500 for a client's mistake.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ApiError", "error_body"]


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
