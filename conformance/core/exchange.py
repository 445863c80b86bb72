"""Turning an HTTP exchange into report material: a curl reproduction and redacted evidence."""

from __future__ import annotations

import shlex

import httpx

from conformance.core.redact import Redactor
from conformance.core.results import Evidence

__all__ = ["EXCERPT_CHARS", "evidence", "excerpt", "to_curl"]

EXCERPT_CHARS = 2000
_SKIP_HEADERS = {"host", "content-length", "accept-encoding", "connection", "user-agent", "accept"}


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters]"


def _body_text(content: bytes) -> str:
    return content.decode("utf-8", errors="replace")


def to_curl(request: httpx.Request, redactor: Redactor) -> str:
    """A copy-pasteable curl command for ``request``, with secrets redacted."""
    parts = ["curl", "-sS", "-X", request.method]
    for name, value in redactor.headers(request.headers.multi_items()).items():
        if name.lower() not in _SKIP_HEADERS:
            parts += ["-H", f"{name}: {value}"]
    try:
        body = request.content
    except httpx.RequestNotRead:
        body = b""
    if body:
        parts += ["--data-raw", redactor.text(_body_text(body))]
    parts.append(redactor.text(str(request.url)))
    return shlex.join(parts)


def evidence(
    request: httpx.Request, response: httpx.Response | None, redactor: Redactor, body_text: str | None = None
) -> Evidence:
    """Redacted excerpts of an exchange. ``body_text`` overrides the response body (e.g. a read stream)."""
    req_lines = [f"{request.method} {redactor.text(str(request.url))}"]
    req_lines += [f"{k}: {v}" for k, v in redactor.headers(request.headers.multi_items()).items()]
    try:
        req_body = request.content
    except httpx.RequestNotRead:
        req_body = b""
    if req_body:
        req_lines += ["", excerpt(redactor.text(_body_text(req_body)))]
    if response is None:
        return Evidence(request="\n".join(req_lines), response="(no response)")
    resp_lines = [f"HTTP {response.status_code} {response.reason_phrase}"]
    resp_lines += [f"{k}: {v}" for k, v in redactor.headers(response.headers.multi_items()).items()]
    if body_text is None:
        try:
            body_text = response.text
        except httpx.ResponseNotRead:
            body_text = "(stream not read)"
    if body_text:
        resp_lines += ["", excerpt(redactor.text(body_text))]
    return Evidence(request="\n".join(req_lines), response="\n".join(resp_lines))
