"""Running the ``conformance`` command as a user does: a subprocess with this interpreter."""

from __future__ import annotations

import subprocess
import sys

__all__ = ["conformance"]


def conformance(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``conformance ARGS...``; its exit code, stdout and stderr (never raises on a non-zero exit)."""
    return subprocess.run(
        [sys.executable, "-m", "conformance", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
