"""Small process and port utilities for the servers we start ourselves.

Processes are started in their own session (process group), recorded with their kernel start
time, and only ever signalled when pid *and* start time still match, so ``stop`` ends exactly the
processes it started, never a recycled pid.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = [
    "ManagedProcess",
    "free_port",
    "log_tail",
    "port_in_use",
    "spawn",
    "wait_until_ready",
]

LOCALHOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCALHOST, 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int, host: str = LOCALHOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def _start_time(pid: int) -> int | None:
    """The process start time in clock ticks since boot (field 22 of /proc/PID/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[19])


@dataclass(frozen=True, slots=True)
class ManagedProcess:
    name: str
    pid: int
    start_time: int
    log: str

    def alive(self) -> bool:
        return _start_time(self.pid) == self.start_time and not _is_zombie(self.pid)

    def terminate(self, grace_s: float = 10.0) -> None:
        """SIGTERM the process group, then SIGKILL whatever is left after ``grace_s``."""
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline:
            _reap(self.pid)
            if not self.alive():
                return
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        _reap(self.pid)


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def _reap(pid: int) -> None:
    """Collect our own exited child so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def spawn(
    name: str, argv: Sequence[str], *, log: Path, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> tuple[subprocess.Popen[bytes], ManagedProcess]:
    """Start ``argv`` detached in its own session, stdout and stderr appended to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as handle:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
    start = _start_time(proc.pid) or 0
    return proc, ManagedProcess(name=name, pid=proc.pid, start_time=start, log=str(log))


def log_tail(path: Path | str, lines: int = 25) -> str:
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def wait_until_ready(url: str, proc: subprocess.Popen[bytes], *, timeout_s: float) -> str | None:
    """Poll ``url`` until it answers 200. Returns ``None`` when ready, else why it is not."""
    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            code = proc.poll()
            if code is not None:
                return f"exited with code {code} while starting"
            with contextlib.suppress(httpx.HTTPError):
                if client.get(url).status_code == 200:
                    return None
            time.sleep(0.25)
    return f"did not answer {url} within {timeout_s:g}s"
