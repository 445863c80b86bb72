"""curl reproductions run as printed: base URL and secrets are shell variables, set once from the report."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conformance.core.exchange import to_curl
from conformance.core.redact import REDACTED
from conformance.core.reproduce import client_redactor, rewrite_command, shell_setup, variables_in

KEY = "sk-test-0123456789"
TENANT = "tenant-secret-42"


def test_headers_given_with_header_become_their_own_variables() -> None:
    redactor = client_redactor("http://h:1/base", None, {"X-Tenant": TENANT})
    request = httpx.Request("GET", "http://h:1/base/v1/models?limit=2&order=asc", headers={"X-Tenant": TENANT})
    command = to_curl(request, redactor)
    tenant = '-H "X-Tenant: $CONFORMANCE_HEADER_X_TENANT"'
    assert command == f'curl -sS -X GET {tenant} "$CONFORMANCE_BASE_URL/v1/models?limit=2&order=asc"'


def test_a_sensitive_header_with_an_unknown_value_is_a_variable_not_the_placeholder() -> None:
    request = httpx.Request("GET", "http://h:1/v1/models", headers={"Cookie": "session=abc", "X-Trace": REDACTED})
    command = to_curl(request, client_redactor("http://h:1", None, {}))
    assert '-H "Cookie: $CONFORMANCE_HEADER_COOKIE"' in command
    assert '-H "X-Trace: $CONFORMANCE_HEADER_X_TRACE"' in command
    assert REDACTED not in command


def test_an_unrelated_url_is_left_alone_and_shell_specials_are_quoted() -> None:
    request = httpx.Request("POST", "http://other:2/x", content=b"it's $HOME `x`")
    command = to_curl(request, client_redactor("http://h:1", None, {}))
    assert command == "curl -sS -X POST --data-raw 'it'\"'\"'s $HOME `x`' http://other:2/x"


def test_rewrite_turns_a_schemathesis_code_sample_into_variables() -> None:
    sample = (
        f"curl -X POST -H 'Authorization: Bearer {KEY}' -H 'Content-Type: application/json' "
        f'-d \'{{"name": "x"}}\' http://127.0.0.1:8321/v1/items'
    )
    rewritten = rewrite_command(sample, client_redactor("http://127.0.0.1:8321", KEY, {}))
    assert rewritten == (
        "curl -X POST -H \"Authorization: Bearer $CONFORMANCE_API_KEY\" -H 'Content-Type: application/json' "
        '-d \'{"name": "x"}\' "$CONFORMANCE_BASE_URL/v1/items"'
    )


def test_shell_setup_gives_the_base_url_and_says_how_to_set_each_secret() -> None:
    commands = ['curl -H "Authorization: Bearer $CONFORMANCE_API_KEY" "$CONFORMANCE_BASE_URL/v1/x"']
    commands.append('curl -H "X-Tenant: $CONFORMANCE_HEADER_X_TENANT" "$CONFORMANCE_BASE_URL/v1/y"')
    assert variables_in(commands) == ["CONFORMANCE_BASE_URL", "CONFORMANCE_API_KEY", "CONFORMANCE_HEADER_X_TENANT"]
    assert shell_setup("http://127.0.0.1:8321", commands) == [
        "export CONFORMANCE_BASE_URL=http://127.0.0.1:8321",
        "export CONFORMANCE_API_KEY='<your API key, as given with --api-key>'",
        "export CONFORMANCE_HEADER_X_TENANT='<your X-Tenant header value, as given with --header>'",
    ]
    assert shell_setup("http://x", ["curl http://x/literal"]) == []


def _echo_app(seen: list[dict[str, Any]]) -> Starlette:
    async def echo(request: Request) -> JSONResponse:
        seen.append(
            {
                "method": request.method,
                "path": request.url.path,
                "query": request.url.query,
                "authorization": request.headers.get("authorization"),
                "tenant": request.headers.get("x-tenant"),
                "body": (await request.body()).decode(),
            }
        )
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route("/v1/{rest:path}", echo, methods=["GET", "POST"])])


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_a_printed_command_reproduces_the_request_once_the_variables_are_exported(
    serve_app: Callable[[Any], str],
) -> None:
    seen: list[dict[str, Any]] = []
    base_url = serve_app(_echo_app(seen))
    redactor = client_redactor(base_url, KEY, {"X-Tenant": TENANT})
    body = '{"input": "it\'s $HOME — ünïcode", "key": "' + KEY + '"}'
    request = httpx.Request(
        "POST",
        f"{base_url}/v1/responses?limit=2&order=asc",
        headers={"Authorization": f"Bearer {KEY}", "X-Tenant": TENANT, "Content-Type": "application/json"},
        content=body.encode(),
    )
    command = to_curl(request, redactor)
    assert KEY not in command
    assert TENANT not in command
    assert base_url not in command
    exports = {"CONFORMANCE_BASE_URL": base_url, "CONFORMANCE_API_KEY": KEY, "CONFORMANCE_HEADER_X_TENANT": TENANT}
    env = {**os.environ, **exports, "HOME": "/home/should-not-expand"}
    done = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    assert seen == [
        {
            "method": "POST",
            "path": "/v1/responses",
            "query": "limit=2&order=asc",
            "authorization": f"Bearer {KEY}",
            "tenant": TENANT,
            "body": body,
        }
    ]
