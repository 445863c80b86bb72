"""Turning an HTTP exchange into report material: a curl reproduction and redacted evidence.

The formatting works on plain values (method, URL, header pairs, body bytes) so that every source
of exchanges — our httpx client, Schemathesis interactions, replayed cassettes — shares it; the
``*_from_httpx`` helpers adapt httpx objects.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable

import httpx

from conformance.core.http_exchange import Exchange
from conformance.core.redact import Redactor
from conformance.core.reproduce import body_text, curl_command, websocat_command
from conformance.core.results import Evidence

__all__ = [
    "EXCERPT_CHARS",
    "HeaderPairs",
    "curl_command",
    "cut_text",
    "evidence",
    "excerpt",
    "format_request",
    "format_response",
    "readable",
    "reproduction",
    "to_curl",
]

EXCERPT_CHARS = 2000
HeaderPairs = Iterable[tuple[str, str]]


_KEPT_CONTROLS = frozenset("\n\r\t")


def _escape_unprintable(text: str) -> str:
    """Control and other unprintable characters as escapes; every other character as itself."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or ch in _KEPT_CONTROLS else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


def readable(text: str) -> str:
    """Text a person can read: JSON's ``\\uXXXX`` escapes shown as the characters they stand for.

    Generated inputs are full of non-ASCII text that Schemathesis sends escaped; a wall of
    ``\\u00e9\\u4e2d`` says nothing. JSON with such escapes is shown re-encoded with real characters
    (string control characters stay JSON escapes); unprintable characters are escaped everywhere.
    """
    if "\\u" in text:
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return _escape_unprintable(text)


def cut_text(text: str, limit: int, *, size: int | None = None) -> str:
    """``text`` cut at ``limit`` characters, saying how big the whole was (``size`` bytes, by default
    the UTF-8 size of ``text``); ``text`` itself when it is short enough."""
    if len(text) <= limit:
        return text
    total = size if size is not None else _size(text)
    return f"{text[:limit]}… ({total:,} bytes)"


def excerpt(text: str, limit: int = EXCERPT_CHARS, *, size: int | None = None) -> str:
    """``text`` made :func:`readable` and cut at ``limit`` characters (:func:`cut_text`), saying how big
    the whole was (``size`` bytes, by default the UTF-8 size of ``text``)."""
    return cut_text(readable(text), limit, size=size if size is not None else _size(text))


def _size(body: bytes | str) -> int:
    return len(body) if isinstance(body, bytes) else len(body.encode("utf-8", errors="replace"))


def format_request(method: str, url: str, headers: HeaderPairs, body: bytes | str | None, redactor: Redactor) -> str:
    lines = [f"{method.upper()} {redactor.text(url)}"]
    lines += [f"{k}: {v}" for k, v in redactor.headers(list(headers)).items()]
    if text := body_text(body):
        lines += ["", excerpt(redactor.text(readable(text)), size=_size(body or b""))]
    return "\n".join(lines)


def format_response(
    status: int, reason: str, headers: HeaderPairs, body: bytes | str | None, redactor: Redactor
) -> str:
    lines = [f"HTTP {status} {reason}".rstrip()]
    lines += [f"{k}: {v}" for k, v in redactor.headers(list(headers)).items()]
    if text := body_text(body):
        lines += ["", excerpt(redactor.text(readable(text)), size=_size(body or b""))]
    return "\n".join(lines)


def _header_pairs(headers: httpx.Headers) -> list[tuple[str, str]]:
    """Header pairs with their original spelling (httpx lower-cases ``multi_items``)."""
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw]


def _request_body(request: httpx.Request) -> bytes:
    try:
        return request.content
    except httpx.RequestNotRead:
        return b""


def to_curl(request: httpx.Request, redactor: Redactor) -> str:
    """A curl command for an httpx ``request`` that runs as printed (``core.reproduce``)."""
    return curl_command(
        request.method, str(request.url), _header_pairs(request.headers), _request_body(request), redactor
    )


def reproduction(exchange: Exchange, redactor: Redactor) -> str:
    """A command that sends ``exchange``'s request again: curl, or websocat for a WebSocket turn."""
    if exchange.socket is not None:
        headers = _header_pairs(exchange.request.headers)
        return websocat_command(str(exchange.request.url), headers, exchange.socket.sent, redactor)
    return to_curl(exchange.request, redactor)


def evidence(
    request: httpx.Request, response: httpx.Response | None, redactor: Redactor, body_text: str | None = None
) -> Evidence:
    """Redacted excerpts of an httpx exchange. ``body_text`` overrides the response body (e.g. a read stream)."""
    req = format_request(
        request.method, str(request.url), _header_pairs(request.headers), _request_body(request), redactor
    )
    if response is None:
        return Evidence(request=req, response="(no response)")
    if body_text is None:
        try:
            body_text = response.text
        except httpx.ResponseNotRead:
            body_text = "(stream not read)"
    resp = format_response(
        response.status_code, response.reason_phrase, _header_pairs(response.headers), body_text, redactor
    )
    return Evidence(request=req, response=resp)
