"""Capturing a live exchange: redacted, stable, on the fixed recorded origin."""

from __future__ import annotations

import httpx

from conformance.cassettes import RECORDED_ORIGIN, Interaction, capture_interaction
from conformance.cassettes.capture import relative_target
from conformance.core.redact import REDACTED, Redactor

SECRET = "sk-live-0123456789"
TENANT = "tenant-secret-42"


def _capture(
    request: httpx.Request, response: httpx.Response, body: str, base_url: str = "http://10.0.0.5:9999"
) -> Interaction:
    redactor = Redactor.for_values([SECRET, TENANT], ["X-Tenant"])
    return capture_interaction(request, response, body, step="create", base_url=base_url, redactor=redactor)


def test_secrets_are_redacted_from_headers_uri_and_bodies() -> None:
    request = httpx.Request(
        "POST",
        f"http://10.0.0.5:9999/v1/responses?key={SECRET}",
        headers={"Authorization": f"Bearer {SECRET}", "X-Tenant": TENANT, "Content-Type": "application/json"},
        content=f'{{"input": "my key is {SECRET}"}}'.encode(),
    )
    response = httpx.Response(200, headers={"content-type": "application/json"}, text="")
    interaction = _capture(request, response, f'{{"echo": "{TENANT}"}}')
    dumped = repr(interaction)
    assert SECRET not in dumped
    assert TENANT not in dumped
    assert interaction.request.headers["authorization"] == REDACTED
    assert interaction.request.headers["x-tenant"] == REDACTED
    assert interaction.response.body == f'{{"echo": "{REDACTED}"}}'


def test_volatile_headers_are_dropped_and_the_rest_sorted() -> None:
    request = httpx.Request("GET", "http://10.0.0.5:9999/v1/models", headers={"User-Agent": "x"})
    response = httpx.Response(
        200,
        headers={"Server": "uvicorn", "Date": "today", "X-Custom": "1", "Content-Type": "application/json"},
        text="{}",
    )
    interaction = _capture(request, response, "{}")
    assert list(interaction.response.headers) == ["content-type", "x-custom"]
    assert "user-agent" not in interaction.request.headers
    assert "host" not in interaction.request.headers


def test_uris_move_onto_the_recorded_origin_without_the_base_path() -> None:
    request = httpx.Request("GET", "http://10.0.0.5:9999/api/v1/files?limit=2")
    interaction = _capture(request, httpx.Response(200, text="{}"), "{}", base_url="http://10.0.0.5:9999/api")
    assert interaction.request.uri == f"{RECORDED_ORIGIN}/v1/files?limit=2"
    assert relative_target(httpx.URL("http://h/v1/x"), "http://h") == "/v1/x"


def test_a_multipart_upload_body_is_read_and_kept_as_text() -> None:
    request = httpx.Request(
        "POST",
        "http://10.0.0.5:9999/v1/files",
        files={"file": ("a.txt", b"hello file", "text/plain")},
        data={"purpose": "assistants"},
    )
    interaction = _capture(request, httpx.Response(200, text="{}"), "{}")
    assert interaction.request.body is not None
    assert "hello file" in interaction.request.body
    assert 'name="purpose"' in interaction.request.body
