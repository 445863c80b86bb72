"""Running the ``conformance`` command as a user does: a subprocess with this interpreter."""

from __future__ import annotations

import os
import subprocess
import sys

__all__ = ["conformance", "timeout_scale"]


def timeout_scale() -> float:
    """``CONFORMANCE_TEST_TIMEOUT_SCALE`` (default 1, never less): how much longer a slow machine's tests
    may wait before calling a command hung. Timeouts guard against hangs; they do not measure speed."""
    try:
        return max(1.0, float(os.environ.get("CONFORMANCE_TEST_TIMEOUT_SCALE", "1")))
    except ValueError:
        return 1.0


def conformance(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``conformance ARGS...``; its exit code, stdout and stderr (never raises on a non-zero exit).
    ``timeout`` (times :func:`timeout_scale`) only guards against a hang."""
    return subprocess.run(
        [sys.executable, "-m", "conformance", *args],
        capture_output=True,
        text=True,
        timeout=timeout * timeout_scale(),
        check=False,
    )
