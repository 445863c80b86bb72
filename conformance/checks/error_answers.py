"""How one error answer is delivered: before or inside a stream, with or without a body, in words or
in a Python repr, and whether the connection survives it.

These rules sharpen ``error-not-success`` and ``error-json-body`` (:mod:`conformance.checks.error_contract`)
for shapes real servers produce: an error event inside a 200 stream for a request that was invalid
before streaming began, a 200 ``null`` for an unknown id, ``{'errors': [{'loc': ...`` as a message, a
keep-alive connection dropped after an error. Each shape is reported by exactly one check: the
generic ``error-not-success`` stands back when a specific check names the shape.
"""

from __future__ import annotations

from collections.abc import Iterator

from conformance.checks.context import ErrorProbeContext
from conformance.checks.error_reading import clip, empty_success, json_or_none, python_repr, streamed_error
from conformance.checks.registry import NotApplicable, check
from conformance.core.results import Severity
from conformance.core.server_message import describe_status, reason_phrase

__all__ = ["connection_kept_alive", "message_not_repr", "status_before_stream", "unknown_id_null_body"]


def _said(message: str | None) -> str:
    return f': "{message}"' if message else ""


def _error_status(ctx: ErrorProbeContext) -> int:
    status = ctx.exchange.status
    if status is None or status < 400:
        raise NotApplicable(f"the request was answered HTTP {status}, not an error (see error-not-success)")
    return status


def _request_line(ctx: ErrorProbeContext) -> str:
    request = ctx.exchange.request
    return f"{request.method} {request.url.raw_path.decode('ascii', errors='replace')}"


@check(
    "error-status-before-stream",
    severity=Severity.MUST,
    kind="error-invalid-stream",
    title="An invalid streaming request gets a 4xx, not an error inside a stream",
)
def status_before_stream(ctx: ErrorProbeContext) -> Iterator[str]:
    """A streaming request that is invalid before any event could be produced (an unknown model, an
    unknown session) is answered with a 4xx status and a JSON error, never with HTTP 200 and an error
    inside the stream. It is ``error-not-success``'s rule for streams: SDKs choose the exception class
    by the status (``NotFoundError``, ``BadRequestError``) and raise a bare ``APIError`` for an error
    event, so handlers for the specific class miss it, and plain HTTP clients see a success. A 5xx is
    a finding too: nothing failed on the server's side."""
    status = ctx.exchange.status
    found = streamed_error(ctx)
    if found is not None:
        where = f"at event {found.index} for {ctx.subject}"
        yield f"HTTP {status} stream carried {found.label} {where}{_said(found.message)}"
        return
    if status is None or status < 400:
        raise NotApplicable(f"the request was answered HTTP {status} without an error event (see error-not-success)")
    if status >= 500:
        answer = describe_status(status, ctx.exchange.text)
        yield f"{ctx.subject} was answered {answer} (expected a 4xx before any stream)"


@check(
    "error-unknown-id-null-body",
    severity=Severity.MUST,
    kind="error-not-found",
    title="An unknown id is never answered with an empty success",
)
def unknown_id_null_body(ctx: ErrorProbeContext) -> Iterator[str]:
    """A request naming a resource id that does not exist is never answered 2xx with a ``null`` or
    empty body (Llama Stack 0.3.0 does this for an unknown turn id): SDKs hand the caller ``None`` or
    fail while parsing instead of raising ``NotFoundError``. Other 2xx answers are
    ``error-not-success``'s finding; this check names the empty ones so that each is reported once."""
    empty = empty_success(ctx)
    status = ctx.exchange.status
    if empty is not None:
        yield f"HTTP {status} {reason_phrase(status or 0)} with {empty} for {ctx.subject} (expected HTTP 404)"
    elif status is None or status < 400:
        raise NotApplicable(f"the request was answered HTTP {status} with a body (see error-not-success)")


@check(
    "error-message-not-repr",
    severity=Severity.SHOULD,
    kind="error",
    title="Error messages are text, not Python reprs",
)
def message_not_repr(ctx: ErrorProbeContext) -> Iterator[str]:
    """The strings of an error body are written for people (or the body carries JSON structures),
    never the Python ``repr`` of a dict or list such as ``{'errors': [{'loc': ...`` or
    ``[{'type': 'missing', 'loc': ('body', ...``: clients show the message as it is and cannot parse
    field errors out of a repr."""
    status = _error_status(ctx)
    body = json_or_none(ctx.exchange.text)
    if body is None:
        raise NotApplicable(f"the HTTP {status} error body is not JSON (see error-json-body)")
    found = python_repr(body)
    if found is not None:
        path, text = found
        yield f'the HTTP {status} error\'s {path} is a Python repr, not a message: "{clip(text)}"'


def _says_close(ctx: ErrorProbeContext) -> bool:
    response = ctx.exchange.response
    tokens = response.headers.get("connection", "") if response is not None else ""
    return "close" in {t.strip().lower() for t in tokens.split(",")}


@check(
    "error-connection-kept-alive",
    severity=Severity.SHOULD,
    kind="error",
    title="An error answer leaves the connection usable",
)
def connection_kept_alive(ctx: ErrorProbeContext) -> Iterator[str]:
    """After an error answer the server keeps the keep-alive connection open for the next request,
    or says ``Connection: close`` in that answer and closes it gracefully (HTTP/1.1 allows both; the
    client then opens a new connection). A connection dropped silently makes the client's next
    request fail with a reset, which clients may retry only when it is idempotent (RFC 9110 §9.2.2).
    Judged by a cheap request (``GET /v1/health``) sent right after each probe."""
    status = _error_status(ctx)
    after = ctx.connection
    if after is None:
        raise NotApplicable("no follow-up request was sent after the error answer")
    if _says_close(ctx):
        return
    answered = f"the HTTP {status} answer to {_request_line(ctx)}"
    if after.reset is not None:
        yield f"the next request on the same connection was reset after {answered} ({after.reset})"
    elif after.reused is False:
        yield (
            f"the server closed the connection after {answered} without sending 'Connection: close'; "
            "the next request needed a new connection"
        )
    elif after.reused is None:
        raise NotApplicable("the transport does not tell which connection a request used")
