from __future__ import annotations

import shlex

import httpx

from conformance.core.exchange import EXCERPT_CHARS, evidence, excerpt, readable, to_curl
from conformance.core.redact import REDACTED, Redactor
from conformance.core.reproduce import client_redactor

SECRET = "sk-live-123456"


def _request() -> httpx.Request:
    return httpx.Request(
        "POST",
        "http://127.0.0.1:1/v1/responses",
        headers={"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"},
        json={"input": "hi", "echo": SECRET},
    )


def test_curl_reproduces_method_url_headers_and_body_with_variables_for_base_url_and_secret() -> None:
    command = to_curl(_request(), client_redactor("http://127.0.0.1:1", SECRET, {}))
    argv = shlex.split(command)  # the variables stay unexpanded here
    assert argv[:4] == ["curl", "-sS", "-X", "POST"]
    assert command.endswith(' "$CONFORMANCE_BASE_URL/v1/responses"')
    assert '-H "Authorization: Bearer $CONFORMANCE_API_KEY"' in command
    assert SECRET not in command
    assert REDACTED not in command
    assert '"input":"hi"' in argv[argv.index("--data-raw") + 1]


def test_a_secret_without_a_name_is_still_a_variable_never_the_placeholder() -> None:
    command = to_curl(_request(), Redactor.for_values([SECRET]))
    assert SECRET not in command
    assert REDACTED not in command
    assert "$CONFORMANCE_SECRET" in command


def test_evidence_redacts_request_and_response_and_cuts_long_bodies() -> None:
    response = httpx.Response(
        400, headers={"content-type": "application/json"}, text=f'{{"error": "bad key {SECRET}"}}' + "x" * 5000
    )
    found = evidence(_request(), response, Redactor.for_values([SECRET]))
    assert SECRET not in found.request + found.response
    assert found.response.startswith("HTTP 400 Bad Request")
    assert found.response.endswith(f"… ({len(response.text.encode()):,} bytes)")


def test_excerpt_keeps_short_text_whole() -> None:
    assert excerpt("short") == "short"
    assert len(excerpt("y" * (EXCERPT_CHARS * 2))) < EXCERPT_CHARS + 40


def test_generated_unicode_is_shown_as_characters_and_only_control_characters_are_escaped() -> None:
    sent = '{"name": "\\u00e9t\\u00e9 \\u4e2d\\u6587 \\ud83d\\ude00", "ctl": "a\\u0000b\\n", "lone": "\\ud800"}'
    assert readable(sent) == '{"name": "été 中文 😀", "ctl": "a\\u0000b\\n", "lone": "\\ud800"}'
    assert readable("line one\nbell \x07 tab\t") == "line one\nbell \\x07 tab\t"


def test_a_long_body_is_cut_with_its_size_in_bytes() -> None:
    body = "é" * 10_000
    shown = excerpt(body, limit=100)
    assert shown == "é" * 100 + "… (20,000 bytes)"
