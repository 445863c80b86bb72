"""``--api`` end to end: a server with only chat completions and models, judged against ogx-1.5."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conformance.core.profiles import get_profile, known_apis
from tests.fakes.chat_only import CHAT_ONLY_PREFIXES, make_chat_only_app
from tests.fakes.cli import conformance
from tests.fakes.server import SPEC_TOOL_DELTA_CASE

PROBE = {"GET /v1/health", "GET /v1/version"}
"""What identifies the target before any suite runs, whatever --api selects."""


def _run_chat(url: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    suites = ("--suite", "smoke", "--suite", "streaming", "--suite", "errors")
    return conformance("run", "--base-url", url, "--profile", "ogx-1.5", "--api", "chat", *suites,
                        "--exclude", SPEC_TOOL_DELTA_CASE, "--report-dir", str(out), *extra)  # fmt: skip


def test_a_chat_only_server_passes_with_api_chat_and_the_rest_is_disabled(
    serve_app: Callable[[Any], str], tmp_path: Path
) -> None:
    seen: list[str] = []
    out = tmp_path / "out"
    proc = _run_chat(serve_app(make_chat_only_app(seen)), out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "APIs: chat, models (the other 13 disabled)" in proc.stderr
    profile = get_profile("ogx-1.5")
    report = json.loads((out / "report.json").read_text())
    assert report["target"]["apis"] == ["chat", "models"]
    cases = report["cases"]
    assert {c["status"] for c in cases} == {"pass", "disabled"}
    disabled = [c for c in cases if c["status"] == "disabled"]
    assert {profile.api_of(c["operation"]) for c in disabled} >= {"inspect", "responses", "conversations", "files"}
    assert all("--api chat" in c["reason"] or "Agents API" in c["reason"] for c in disabled)
    sent = [line for line in seen if line not in PROBE]
    assert sent
    assert all(line.split(" ", 1)[1].startswith(CHAT_ONLY_PREFIXES) for line in sent), sent
    summary = (out / "summary.md").read_text()
    assert "APIs judged: chat, models (`--api`); the other APIs' cases are disabled." in summary
    assert "APIs judged (--api): chat, models; the others' cases are disabled" in proc.stdout


def test_a_chat_only_server_that_breaks_a_chat_rule_fails_with_api_chat(
    serve_app: Callable[[Any], str], tmp_path: Path
) -> None:
    proc = _run_chat(serve_app(make_chat_only_app([], {"chat-stream-done-sentinel"})), tmp_path / "out")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "chat-stream-done-sentinel" in proc.stdout


def test_an_unknown_api_is_a_one_line_usage_error_before_the_server_is_contacted(
    serve_app: Callable[[Any], str], tmp_path: Path
) -> None:
    seen: list[str] = []
    url = serve_app(make_chat_only_app(seen))
    proc = conformance("check", "--base-url", url, "--api", "chat,vectorstores", "--report-dir", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr == f"error: unknown API 'vectorstores' for --api (known: {', '.join(known_apis())})\n"
    lacking = conformance("replay", "--base-url", url, "--profile", "ogx-1.5", "--api", "agents")
    assert lacking.returncode == 2
    assert lacking.stderr.startswith("error: profile ogx-1.5 has no API 'agents' (its APIs: admin, chat,")
    assert seen == []


def test_record_with_api_chat_records_only_the_scenarios_whose_every_api_is_selected(
    serve_app: Callable[[Any], str], tmp_path: Path
) -> None:
    seen: list[str] = []
    url = serve_app(make_chat_only_app(seen))
    scenarios = ("--scenario", "chat-completions-stream", "--scenario", "models-list", "--scenario", "responses-c*")
    proc = conformance("record", "--base-url", url, "--profile", "ogx-1.5", "--api", "chat", *scenarios,
                        "--output-dir", str(tmp_path))  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    written = sorted(p.name for p in (tmp_path / "ogx-1.5").iterdir())
    assert written == ["chat-completions-stream.yaml", "models-list.yaml"]
    left_out = "responses-create, responses-chain, responses-conversation"
    assert f"not recorded (an API not selected by --api chat): {left_out}" in proc.stderr
    sent = [line for line in seen if line not in PROBE]
    assert all(line.split(" ", 1)[1].startswith(CHAT_ONLY_PREFIXES) for line in sent), sent
