"""`conformance check` end to end against small live servers: auth, redaction and a hanging server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.cli import conformance

SECRET = "sk-gate-secret-123456"
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "tiny", "version": "1"},
    "paths": {
        "/v1/models": {
            "get": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["data"],
                                    "properties": {"data": {"type": "array"}},
                                }
                            }
                        },
                    }
                }
            }
        }
    },
}


def _app(seen: list[str], *, hang: bool = False) -> Starlette:
    async def health(request: Request) -> JSONResponse:
        if hang:
            await asyncio.sleep(30)
        return JSONResponse({"status": "OK"})

    async def version(request: Request) -> JSONResponse:
        return JSONResponse({"version": "1.5.0"})

    async def models(request: Request) -> JSONResponse:
        seen.append(request.headers.get("authorization", ""))
        # Echo the credential back: the reports must still never show it.
        return JSONResponse({"data": "not a list", "echo": request.headers.get("authorization")})

    return Starlette(routes=[Route("/v1/health", health), Route("/v1/version", version), Route("/v1/models", models)])


def test_the_api_key_reaches_every_request_and_no_report(serve_app: Callable[[Any], str], tmp_path: Path) -> None:
    seen: list[str] = []
    url = serve_app(_app(seen))
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    out = tmp_path / "out"
    proc = conformance(
        "check",
        "--base-url",
        url,
        "--profile",
        "ogx-1.5",
        "--api-key",
        SECRET,
        "--include",
        "property/*",
        "--phase",
        "examples",
        "--phase",
        "fuzzing",
        "--max-examples",
        "2",
        "--report-dir",
        str(out),
        "--spec",
        str(spec),
    )
    assert proc.returncode == 1, proc.stderr
    assert seen
    assert set(seen) == {f"Bearer {SECRET}"}
    written = "".join(p.read_text() for p in out.iterdir()) + proc.stdout + proc.stderr
    assert "response_schema_conformance" in written
    assert SECRET not in written


def test_a_server_that_hangs_is_a_harness_error_not_a_hang(serve_app: Callable[[Any], str], tmp_path: Path) -> None:
    url = serve_app(_app([], hang=True))
    proc = conformance(
        "check",
        "--base-url",
        url,
        "--profile",
        "ogx-1.5",
        "--timeout",
        "1",
        "--report-dir",
        str(tmp_path / "out"),
        timeout=60,
    )
    assert proc.returncode == 3, proc.stderr
    assert "did not arrive within the 1s deadline (--timeout)" in proc.stderr
    assert "Traceback" not in proc.stderr
