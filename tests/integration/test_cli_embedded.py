"""The newcomer's path: `conformance run` on the embedded default, and `reference` from the command line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.fakes.cli import conformance

pytestmark = pytest.mark.integration


def _conformance(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return conformance(*args, timeout=timeout)


@pytest.fixture(autouse=True)
def _own_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`reference status/stop` here must see only what these tests start (subprocesses inherit it)."""
    monkeypatch.setenv("CONFORMANCE_STATE_DIR", str(tmp_path / "state"))


def test_run_without_a_url_judges_the_embedded_ogx_and_names_it(tmp_path: Path) -> None:
    report_dir = tmp_path / "report"
    proc = _conformance("run", "--report-dir", str(report_dir), "--suite", "smoke")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OGX 1.5.0" in proc.stdout + proc.stderr
    for name in ("report.json", "junit.xml", "summary.md", "report.html"):
        assert (report_dir / name).is_file(), name
    report = json.loads((report_dir / "report.json").read_text())
    assert report["target"]["server"] == "ogx"
    assert report["target"]["version"] == "1.5.0"
    assert report["target"]["embedded"] is True
    # Nothing is left running afterwards.
    assert "no reference server is running" in _conformance("reference", "status").stdout


def test_reference_start_llama_stack_0_3_then_create_an_agent_then_stop() -> None:
    start = _conformance("reference", "start", "--server", "llama-stack==0.3.0", "--port", "0")
    assert start.returncode == 0, start.stderr
    base_url = start.stdout.strip().splitlines()[-1]
    try:
        assert "running" in _conformance("reference", "status").stdout
        model = "deterministic/conformance-chat"
        created = httpx.post(
            f"{base_url}/v1alpha/agents",
            json={"agent_config": {"model": model, "instructions": "Be brief."}},
            timeout=60,
        )
        assert created.status_code == 200, created.text
        assert created.json()["agent_id"]
    finally:
        stop = _conformance("reference", "stop")
    assert stop.returncode == 0
    assert f"stopped llama-stack==0.3.0 at {base_url}" in stop.stdout
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/v1/health", timeout=5)
