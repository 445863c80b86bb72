"""`conformance mock serve` as a user starts it: a subprocess on port 0 that prints its URL."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
from click.testing import CliRunner

from conformance.cli.app import cli

ROOT = Path(__file__).resolve().parents[3]


def test_mock_serve_prints_its_url_and_answers_from_the_recordings(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    command = [sys.executable, "-m", "conformance", "mock", "serve", "--profile", "llama-stack-0.3"]
    proc = subprocess.Popen(
        [*command, "--port", "0", "--journal", str(journal)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        assert found, line
        assert httpx.get(f"{found.group(1)}/v1/version", timeout=60).json() == {"version": "0.3.0"}
    finally:
        proc.terminate()
        proc.wait(60)
    assert '"path": "/v1/version"' in journal.read_text()


def test_mock_serve_refuses_a_malformed_fault_with_exit_2() -> None:
    result = CliRunner().invoke(cli, ["mock", "serve", "--profile", "llama-stack-0.3", "--fault", "explode"])
    assert result.exit_code == 2
    assert "unknown fault 'explode'" in result.output
