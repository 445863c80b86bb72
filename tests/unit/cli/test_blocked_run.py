"""`conformance check` against a server whose /v1/models is broken: exit 1 with that finding first, not exit 3."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from tests.fakes import make_app

REASON = "blocked: GET /v1/models answered without a `data` list"


def test_a_models_list_without_data_fails_the_run_and_blocks_what_needs_a_model(
    serve_app: Callable[[Any], str], tmp_path: Path
) -> None:
    async def models(request: Request) -> JSONResponse:
        return JSONResponse({"models": []})

    url = serve_app(Starlette(routes=[Route("/v1/models", models), Mount("/", app=make_app())]))
    out = tmp_path / "out"
    command = ["check", "--base-url", url, "--profile", "ogx-1.5", "--include", "streaming/*", "--report-dir", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "conformance", *command], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 1, proc.stderr
    summary = proc.stdout.split("Unexpected findings (1):", 1)[1].splitlines()
    assert summary[1].strip() == "✗ models-list-usable [MUST] GET /v1/models"
    assert (
        summary[2].strip() == "HTTP 200 OK without a `data` list (the body has keys 'models'); no model can be picked"
    )
    markdown = (out / "summary.md").read_text()
    assert "| `models-list-usable` | MUST | `GET /v1/models` | HTTP 200 OK without a `data` list" in markdown
    report = json.loads((out / "report.json").read_text())
    cases = report["cases"]
    assert cases[0]["id"] == "prerequisites/models-list-usable"
    assert cases[0]["status"] == "fail"
    streaming = [c for c in cases if c["suite"] == "streaming" and c["status"] != "disabled"]
    assert streaming
    assert {(c["status"], c["reason"]) for c in streaming} == {("skip", REASON)}
    assert not [c for c in cases if c["status"] == "error"]
