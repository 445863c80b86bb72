"""The hostile-server matrix: whatever a server does, ``check``, ``replay`` and ``run --base-url`` end.

Each row is a small server on 127.0.0.1 that misbehaves one way (``tests/fakes/hostile.py``); each
command is run against it as a user runs it, with the example profile (``docs/examples/chat-gateway``:
a small spec with its own scenarios and recordings, so every suite has work) and a 2 s deadline. Every
run must end within a generous bound, exit 1 (the server broke the contract) or 3 (the harness could
not judge), print no traceback, and leave complete reports that say what broke. Peak memory is
measured by ``nox -s bench`` (``tests/bench/bench_hostile.py``), not here.
"""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.cli import conformance
from tests.fakes.gateway import EXAMPLE, make_gateway_app
from tests.fakes.hostile import Hostility, hostile_server

pytestmark = pytest.mark.hostile

TIMEOUT = 2.0
"""--timeout of every run: the deadline of one request."""
HUNG_AFTER = 3
"""Requests in a row that miss the deadline before the server counts as hung (core/limits.Limits)."""
COMMANDS = ("check", "replay", "run")

# Row -> (modes of the fake, exit codes allowed, text some error or finding of the run must carry).
ROWS: dict[str, tuple[tuple[Hostility, ...], frozenset[int], str]] = {
    "1 hang after accept": (("hang-after-accept",), frozenset({3}), "within the 2s deadline"),
    "1b hang after the version probe": (("hang-after-version",), frozenset({3}), "within the 2s deadline"),
    "2 headers, then a drip": (("drip",), frozenset({3}), "within the 2s deadline"),
    "3 reset mid-body and mid-stream": (("reset-mid-body", "reset-mid-stream"), frozenset({1, 3}), ""),
    "4 invalid JSON and UTF-8, in JSON and SSE": (
        ("invalid-json", "invalid-utf8", "invalid-json-sse", "invalid-utf8-sse"),
        frozenset({1, 3}),
        "",
    ),
    "5 a 200 MB body": (("huge-body",), frozenset({3}), "over the 4 MiB limit (--max-body-bytes)"),
    "6 an endless SSE stream": (("endless-sse",), frozenset({1, 3}), ""),
    "7 text/html 200 for everything": (("html-200",), frozenset({1}), ""),
    "8 a 302 to itself": (("redirect-loop",), frozenset({1}), "302"),
    "9 no keep-alive": (("no-keep-alive",), frozenset({1, 3}), ""),
    "10 HTML 500 for everything": (("html-500",), frozenset({1}), "500"),
}


def _args(command: str, base_url: str, out: Path) -> list[str]:
    args = [command, "--base-url", base_url, "--profile", str(EXAMPLE), "--timeout", str(TIMEOUT)]
    if command != "replay":
        args += ["--max-examples", "1"]
    return [*args, "--report-dir", str(out)]


def _reports(out: Path) -> dict[str, Any]:
    """The reports of a run, each checked complete; report.json as data."""
    report: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    junit = ET.parse(out / "junit.xml").getroot()
    assert int(junit.get("tests", "0")) == len(report["cases"])
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("#")
    assert (out / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    return report


@pytest.fixture(scope="module")
def start_up(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    """Wall seconds of each command against a well-behaved server: the start-up part of the bound."""
    from conformance.servers.serving import running_app

    seconds: dict[str, float] = {}
    with running_app(make_gateway_app()) as url:
        for command in COMMANDS:
            started = time.monotonic()
            proc = conformance(*_args(command, url, tmp_path_factory.mktemp(command)), timeout=600)
            seconds[command] = time.monotonic() - started
            assert proc.returncode == 0, proc.stdout + proc.stderr
    return seconds


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("row", ROWS)
def test_every_run_ends_with_complete_reports(
    row: str, command: str, start_up: dict[str, float], tmp_path: Path
) -> None:
    modes, exits, expected = ROWS[row]
    for mode in modes:
        out = tmp_path / mode
        with hostile_server(mode, answer_probes=True) as server:
            started = time.monotonic()
            proc = conformance(*_args(command, server.base_url, out), timeout=600)
            wall = time.monotonic() - started
            received = server.requests
        said = proc.stdout + proc.stderr
        assert proc.returncode in exits, f"{mode}: exit {proc.returncode}\n{said}"
        assert "Traceback" not in said, said
        # Generous: a hung server costs HUNG_AFTER deadlines, then nothing more is sent.
        assert wall < 3 * (start_up[command] + HUNG_AFTER * TIMEOUT) + 30, f"{mode}: {wall:.0f}s"
        report = _reports(out)
        statuses = {case["status"] for case in report["cases"]}
        assert statuses & {"fail", "error"}, f"{mode}: nothing said what broke"
        text = json.dumps(report)
        assert expected in text, f"{mode}: no case says {expected!r}"
        if mode == "redirect-loop":
            # Not followed: every request of the run reached the fake once, none looped.
            assert received < 5000, received


def _close_every_connection(app: Any) -> Callable[..., Any]:
    """ASGI middleware: every answer says ``Connection: close`` (uvicorn then closes the connection)."""

    async def middleware(scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def send_closing(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        await app(scope, receive, send_closing if scope["type"] == "http" else send)

    return middleware


def test_a_server_without_keep_alive_is_judged_like_one_with_it(serve_app: Any, tmp_path: Path) -> None:
    """Row 9, the other half: a conformant server that closes every connection after its answer
    passes, only slower; no reset is taken for a finding or an error."""
    url = serve_app(_close_every_connection(make_gateway_app()))
    proc = conformance("run", *_args("run", url, tmp_path)[1:], timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    statuses = {case["status"] for case in _reports(tmp_path)["cases"]}
    assert statuses <= {"pass", "disabled"}
