"""Peak memory of ``check``, ``replay`` and ``run`` against a server that answers 200 MB bodies.

Run by ``nox -s bench`` (not by pytest): ``python -m tests.bench.bench_hostile [--size-mb N]``.

The baseline is the same command against a well-behaved server (the example gateway), measured in
the same run: the ratio shows what a huge answer costs on top of the run itself. Bodies over
``--max-body-bytes`` are read incrementally and never whole, so the peak must stay under 300 MB
(exit 1 when it does not). Peak RSS is the child process's own ``ru_maxrss`` (``os.wait4``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from conformance.servers.serving import running_app
from tests.fakes.gateway import EXAMPLE, make_gateway_app
from tests.fakes.hostile import hostile_server

COMMANDS = ("check", "replay", "run")
LIMIT_MB = 300


def _measure(command: str, base_url: str, out: Path) -> tuple[int, float, float]:
    """(exit code, wall seconds, peak RSS in MB) of one command, run as a user runs it."""
    args = [sys.executable, "-m", "conformance", command, "--base-url", base_url, "--profile", str(EXAMPLE)]
    args += ["--timeout", "5", "--report-dir", str(out)]
    if command != "replay":
        args += ["--max-examples", "1"]
    started = time.monotonic()
    with open(out.with_suffix(".log"), "wb") as log:
        pid = os.posix_spawn(sys.executable, args, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, log.fileno(), 1), (os.POSIX_SPAWN_DUP2, log.fileno(), 2)
        ])  # fmt: skip
        _, status, usage = os.wait4(pid, 0)
    return os.waitstatus_to_exitcode(status), time.monotonic() - started, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200, help="size of the hostile server's bodies")
    size = parser.parse_args().size_mb
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        folder = Path(tmp)
        with running_app(make_gateway_app()) as url:
            baseline = {c: _measure(c, url, folder / f"base-{c}") for c in COMMANDS}
        with hostile_server("huge-body", answer_probes=True, huge_size=size * 1024 * 1024) as server:
            huge = {c: _measure(c, server.base_url, folder / f"huge-{c}") for c in COMMANDS}
    print(f"peak RSS, {size} MB bodies vs a well-behaved server (same command, same run); limit {LIMIT_MB} MB")
    print(f"{'command':8} {'baseline MB':>12} {'huge MB':>9} {'ratio':>6} {'exit':>5} {'wall s':>7}")
    over = False
    for command in COMMANDS:
        _, _, base_mb = baseline[command]
        code, wall, huge_mb = huge[command]
        over |= huge_mb > LIMIT_MB
        rows.append(f"{command:8} {base_mb:12.0f} {huge_mb:9.0f} {huge_mb / base_mb:6.2f} {code:5d} {wall:7.1f}")
    print("\n".join(rows))
    if over:
        print(f"FAIL: a peak passed {LIMIT_MB} MB")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
