"""`conformance check` end to end against small live servers: auth, redaction, a hanging server, a failed probe."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.cli import conformance
from tests.fakes.hostile import hostile_server

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


def _aborted_reports(out: Path) -> tuple[list[dict[str, Any]], str, str]:
    report = json.loads((out / "report.json").read_text())
    return report["cases"], (out / "junit.xml").read_text(), (out / "summary.md").read_text()


def test_a_server_that_cannot_be_reached_still_gets_reports_saying_so(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = conformance("check", "--base-url", "http://127.0.0.1:9", "--profile", "ogx-1.5", "--report-dir", str(out))
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.splitlines() == [proc.stderr.strip()]
    assert proc.stderr.startswith("error: cannot connect to http://127.0.0.1:9")
    assert "Traceback" not in proc.stderr
    cases, junit, summary = _aborted_reports(out)
    message = proc.stderr.strip().removeprefix("error: ")
    assert [(c["id"], c["status"], c["error"]) for c in cases] == [("run/aborted", "error", message)]
    assert 'name="run/aborted"' in junit
    assert f'<error message="{message}"' in junit
    assert "`run/aborted`" in summary
    assert message in summary


def test_a_server_that_is_not_an_ogx_server_still_gets_reports_saying_so(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with hostile_server("html-500") as server:
        proc = conformance("check", "--base-url", server.base_url, "--profile", "ogx-1.5", "--report-dir", str(out))
    assert proc.returncode == 3, proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert "does not look like a Llama Stack / OGX server (GET /v1/health answered 500 text/html" in proc.stderr
    cases, junit, _summary = _aborted_reports(out)
    assert [(c["id"], c["status"]) for c in cases] == [("run/aborted", "error")]
    assert "does not look like a Llama Stack / OGX server" in cases[0]["error"]
    assert 'name="run/aborted"' in junit
