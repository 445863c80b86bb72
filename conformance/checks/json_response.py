"""The plain success contract: the calls every client makes first answer 200 with documented JSON.

A client library deserialises these bodies into typed objects; a missing field or a wrong type is a
crash on the client's side even when the status is right.
"""

from __future__ import annotations

from collections.abc import Iterator

from conformance.checks.context import JsonResponseContext
from conformance.checks.registry import NotApplicable, check
from conformance.core.media_types import JSON_MEDIA_TYPE, media_type
from conformance.core.results import Severity
from conformance.core.server_message import describe_status

__all__ = ["body_matches_schema", "content_type_json", "status_expected"]

_MAX_PROBLEMS = 3


@check(
    "json-response-status",
    severity=Severity.MUST,
    kind="json-response",
    title="A valid request is answered with the documented success status",
    guarded=False,
)
def status_expected(ctx: JsonResponseContext) -> Iterator[str]:
    """A well-formed request for an operation the profile documents gets its success status (200)."""
    status = ctx.exchange.status
    if status != ctx.expected_status:
        answered = describe_status(status, ctx.exchange.text) if status is not None else "no answer"
        yield f"{answered} (expected HTTP {ctx.expected_status})"


@check(
    "json-response-content-type",
    severity=Severity.MUST,
    kind="json-response",
    title="A JSON answer says application/json",
)
def content_type_json(ctx: JsonResponseContext) -> Iterator[str]:
    """The success answer carries ``Content-Type: application/json`` (clients choose their parser by it)."""
    if media_type(ctx.exchange.content_type) != JSON_MEDIA_TYPE:
        yield f"expected Content-Type application/json, got {ctx.exchange.content_type or 'none'}"


@check(
    "json-response-schema",
    severity=Severity.MUST,
    kind="json-response",
    title="The body matches the documented response schema",
)
def body_matches_schema(ctx: JsonResponseContext) -> Iterator[str]:
    """The decoded body validates against the response schema the profile's spec documents for it."""
    if ctx.validator is None:
        raise NotApplicable("the spec documents no JSON schema for this answer")
    try:
        payload = ctx.exchange.json()
    except ValueError:
        yield "the body is not JSON"
        return
    problems = list(ctx.validator(payload))
    for problem in problems[:_MAX_PROBLEMS]:
        yield f"the body does not match the spec at {problem[:240]}"
    if len(problems) > _MAX_PROBLEMS:
        yield f"... and {len(problems) - _MAX_PROBLEMS} more schema problems"
