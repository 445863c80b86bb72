"""Turning a live httpx exchange into a redacted, stable :class:`Interaction`.

Stable means: re-recording against the deterministic reference changes as little as possible.
So URIs move onto :data:`RECORDED_ORIGIN`, headers are sorted, and transport headers that change
with every run or say nothing about the API (date, server, content-length, ...) are dropped.
Secrets never reach the file: sensitive headers by name, and every value the user passed with
``--api-key``/``--header`` wherever it appears (URI, headers, bodies).
"""

from __future__ import annotations

import httpx

from conformance.cassettes.model import RECORDED_ORIGIN, Interaction, RecordedRequest, RecordedResponse
from conformance.core.redact import Redactor

__all__ = ["VOLATILE_HEADERS", "capture_interaction", "relative_target"]

VOLATILE_HEADERS = frozenset(
    {
        "accept-encoding",
        "connection",
        "content-length",
        "date",
        "host",
        "keep-alive",
        "server",
        "transfer-encoding",
        "user-agent",
        "x-request-id",
        "x-trace-id",
        "traceparent",
        "x-process-time",
    }
)
"""Headers never recorded: they differ run to run or describe the transport, not the API."""


def relative_target(url: httpx.URL, base_url: str) -> str:
    """The part of ``url`` after the base URL's path: ``/v1/models?limit=2``."""
    base_path = httpx.URL(base_url).path.rstrip("/")
    path = url.path
    if base_path and path.startswith(base_path):
        path = path[len(base_path) :] or "/"
    query = url.query.decode("ascii", errors="replace")
    return path + (f"?{query}" if query else "")


def _headers(items: list[tuple[str, str]], redactor: Redactor) -> dict[str, str]:
    kept: dict[str, str] = {}
    wanted = [(name.lower(), value) for name, value in items if name.lower() not in VOLATILE_HEADERS]
    for name, value in redactor.headers(wanted).items():
        kept[name] = f"{kept[name]}, {value}" if name in kept else value
    return dict(sorted(kept.items()))


def _request_body(request: httpx.Request) -> str | None:
    try:
        content = request.content
    except httpx.RequestNotRead:
        content = request.read()
    return content.decode("utf-8", errors="replace") if content else None


def capture_interaction(
    request: httpx.Request,
    response: httpx.Response,
    body_text: str,
    *,
    step: str,
    base_url: str,
    redactor: Redactor,
) -> Interaction:
    """``body_text`` is the response body exactly as received (the raw text for an SSE stream)."""
    body = _request_body(request)
    return Interaction(
        request=RecordedRequest(
            method=request.method,
            uri=redactor.text(RECORDED_ORIGIN + relative_target(request.url, base_url)),
            headers=_headers(request.headers.multi_items(), redactor),
            body=redactor.text(body) if body is not None else None,
        ),
        response=RecordedResponse(
            status=response.status_code,
            reason=response.reason_phrase,
            headers=_headers(response.headers.multi_items(), redactor),
            body=redactor.text(body_text),
        ),
        step=step,
    )
