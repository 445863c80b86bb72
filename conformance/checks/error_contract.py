"""The error contract: how a server answers requests that cannot succeed.

Clients branch on the status code (404 means "gone, stop retrying", 400/422 means "fix the request")
and parse the body as JSON to show the message. A 2xx for an error makes failures silent; an HTML
error page breaks every SDK's error parsing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from conformance.checks.context import ErrorProbeContext
from conformance.checks.error_reading import empty_success, streamed_error
from conformance.checks.registry import NotApplicable, check
from conformance.core.media_types import is_json
from conformance.core.results import Severity

__all__ = ["invalid_body_status", "json_body", "not_success", "unknown_id_404"]


def _require_error(ctx: ErrorProbeContext) -> int:
    """The error status; rules about errors do not apply to a success (error-not-success judges that)."""
    status = ctx.exchange.status
    if status is None or status < 400:
        raise NotApplicable(f"the request was answered HTTP {status}, not an error (see error-not-success)")
    return status


@check("error-not-success", severity=Severity.MUST, kind="error", title="An error is never answered 2xx or 3xx")
def not_success(ctx: ErrorProbeContext) -> Iterator[str]:
    """A request that cannot succeed (unknown id, invalid body) gets a 4xx or 5xx status. Two shapes of
    success have checks of their own and are reported there, once: an error inside a 200 stream
    (``error-status-before-stream``) and an empty or ``null`` body for an unknown id
    (``error-unknown-id-null-body``)."""
    status = ctx.exchange.status
    if ctx.expect == "invalid-stream" and (found := streamed_error(ctx)) is not None:
        raise NotApplicable(f"the HTTP {status} stream carried {found.label} (see error-status-before-stream)")
    if ctx.expect == "not-found" and (empty := empty_success(ctx)) is not None:
        raise NotApplicable(f"the answer was HTTP {status} with {empty} (see error-unknown-id-null-body)")
    if status is not None and status < 400:
        yield f"a request that must fail ({ctx.expect}) was answered HTTP {status}"


@check("error-unknown-id-404", severity=Severity.MUST, kind="error-not-found", title="Unknown ids give 404")
def unknown_id_404(ctx: ErrorProbeContext) -> Iterator[str]:
    """A request naming a resource id that does not exist is answered 404 Not Found (a 2xx answer is
    ``error-not-success``'s finding, not this one's)."""
    _require_error(ctx)
    if ctx.exchange.status != 404:
        yield f"expected HTTP 404 for an unknown id, got HTTP {ctx.exchange.status}"


@check(
    "error-invalid-body-status",
    severity=Severity.MUST,
    kind="error-invalid-body",
    title="Invalid bodies give 400 or 422",
)
def invalid_body_status(ctx: ErrorProbeContext) -> Iterator[str]:
    """A request whose body is malformed or misses required fields is answered 400 or 422, never
    5xx (the server did not fail; the request did)."""
    _require_error(ctx)
    if ctx.exchange.status not in (400, 422):
        yield f"expected HTTP 400 or 422 for an invalid body, got HTTP {ctx.exchange.status}"


@check("error-json-body", severity=Severity.MUST, kind="error", title="Error bodies are JSON objects")
def json_body(ctx: ErrorProbeContext) -> Iterator[str]:
    """An error response has a JSON media type (``application/json`` or ``+json``) and a JSON object
    body, never an HTML or plain-text page."""
    status = _require_error(ctx)
    if not is_json(ctx.exchange.content_type):
        yield f"the HTTP {status} error has content-type {ctx.exchange.content_type or '(none)'!r}, expected JSON"
        return
    try:
        body = json.loads(ctx.exchange.text)
    except ValueError:
        yield f"the HTTP {status} error body is not valid JSON: {ctx.exchange.text[:80]!r}"
        return
    if not isinstance(body, dict):
        yield f"the HTTP {status} error body is JSON but not an object: {ctx.exchange.text[:80]!r}"
