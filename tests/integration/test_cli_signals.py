"""A cancelled CI job: SIGTERM to `conformance run` stops the embedded reference it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def test_sigterm_during_an_embedded_run_stops_the_reference(tmp_path: Path) -> None:
    env = {**os.environ, "CONFORMANCE_STATE_DIR": str(tmp_path / "state")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "conformance", "run", "--server", "llama-stack==0.3.0", "--suite", "property",
         "--report-dir", str(tmp_path / "report")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert proc.stderr is not None
    lines = []
    deadline = time.monotonic() + 600  # a bound for a wedged start, not a speed requirement
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        lines.append(line)
        if line.startswith("judging ") or not line:
            break
    assert any(line.startswith("judging ") for line in lines), "".join(lines)
    proc.send_signal(signal.SIGTERM)
    _, rest = proc.communicate(timeout=120)
    assert proc.returncode == 130, "".join(lines) + rest
    assert "Traceback" not in rest
    status = subprocess.run(
        [sys.executable, "-m", "conformance", "reference", "status"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert "no reference server is running" in status.stdout
