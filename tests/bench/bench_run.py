"""The default `conformance run` timed as a new user runs it, against its baselines, and its detection.

Run by ``nox -s bench`` (not by pytest): ``python -m tests.bench.bench_run [--skip-run] [--thorough N]``.

Prints, in one run:

1. the default run's wall time (``conformance run --no-progress``: the embedded OGX 1.5.0 started,
   every suite, the reports written and the reference stopped), each suite's seconds, and the CPU
   seconds each process spent (ours, the OGX reference, the deterministic model server, the SDK
   flows), sampled from ``/proc`` twice a second;
2. the plain Schemathesis CLI (``schemathesis run``) on the same spec's operations, with the same
   examples per operation, phases and seed, against a fresh OGX 1.5.0 reference, and the ratios of
   the default run and of its property suite to it;
3. the finding keys (check, operation) that ``conformance run`` (the suites of :data:`JUDGED`)
   detects on a fault-injecting fake server (``tests/fakes/server.py`` with :data:`BREAKS` broken)
   by the default path and by the thorough one (``--max-examples 20``), the difference (what the
   default misses), and whether each injected break was found.

Every time is a ratio to a baseline measured in the same run; nothing is asserted on time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from conformance.core.profiles import get_profile
from conformance.runner.property import PropertySettings
from conformance.servers.reference import reference_server
from conformance.servers.serving import running_app
from tests.fakes.server import make_app

BREAKS = frozenset(
    {
        "json-response-status",
        "responses-stream-sequence-number",
        "chat-stream-done-sentinel",
        "error-unknown-id-404",
        "error-json-body",
        "sse-content-type",
    }
)
"""One rule broken per area: a plain answer's status, two streams, two error answers, a content type."""
JUDGED = ("smoke", "property", "streaming", "errors")
"""The suites whose detection a path could change: the default run's without replay (the fake has no
recordings of its own) and clients (the SDKs' flows are the same on either path)."""
SUITE_LINE = re.compile(r"^(\w+): .* in (\d+\.\d+)s$", re.MULTILINE)
_TICKS = os.sysconf("SC_CLK_TCK")


def _label(pid: int, root: int, cmdline: str) -> str | None:
    """What a process is, for the CPU table; ``None`` when only its parent can tell (a worker)."""
    if pid == root:
        return "conformance (harness: generation, checks, reports)"
    if "bootstrap.py" in cmdline:
        return "OGX reference server"
    if " model serve" in cmdline or "conformance.servers.model" in cmdline:
        return "deterministic model server"
    if cmdline.startswith("node") or "/node " in cmdline:
        return "SDK flows (Node)"
    if "_in_env" in cmdline or "flow" in cmdline:
        return "SDK flows (Python)"
    if "uv" in cmdline.split(" ", 1)[0]:
        return "environment installs (uv)"
    return None


class CpuSampler:
    """CPU seconds of a process and all its descendants, by kind, sampled from /proc until stopped."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.last: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> CpuSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def sample(self) -> None:
        parents: dict[int, int] = {}
        cpu: dict[int, float] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            pid = int(entry.name)
            parents[pid] = int(fields[1])
            cpu[pid] = (int(fields[11]) + int(fields[12])) / _TICKS
        labels = {pid: label for pid, (label, _) in self.last.items()}
        for pid, seconds in cpu.items():
            ancestor = pid
            while ancestor not in (0, 1, self.root):
                ancestor = parents.get(ancestor, 0)
            if ancestor == self.root:
                self.last[pid] = (self._label(pid, parents, labels), seconds)

    def _label(self, pid: int, parents: dict[int, int], labels: dict[int, str]) -> str:
        """The process's own kind, or its parent's (a server's worker processes count as the server)."""
        if pid not in labels:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            except OSError:
                cmdline = ""
            own = _label(pid, self.root, cmdline)
            if own is None and parents.get(pid, 0) not in (0, 1):
                own = self._label(parents[pid], parents, labels)
            labels[pid] = own or Path(cmdline.split(" ", 1)[0]).name or "other"
        return labels[pid]

    def by_kind(self) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        for label, seconds in self.last.values():
            totals[label] += seconds
        return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def default_run(tmp: Path) -> tuple[float, str, int, dict[str, float]]:
    """(wall seconds, stderr, exit code, CPU seconds by kind) of ``conformance run`` as a user runs it."""
    args = [sys.executable, "-m", "conformance", "run", "--no-progress", "--report-dir", str(tmp / "default")]
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with CpuSampler(proc.pid) as sampler:
        out, err = proc.communicate()
        sampler.sample()
    return time.perf_counter() - started, err + out, proc.returncode, sampler.by_kind()


def plain_schemathesis(tmp: Path) -> tuple[float, int]:
    """(wall seconds, exit code) of the Schemathesis CLI on the profile's spec against a fresh OGX 1.5.0."""
    settings = PropertySettings()
    spec = get_profile("ogx-1.5").spec_path
    with reference_server("ogx==1.5.0") as reference:
        args = [
            sys.executable, "-m", "schemathesis.cli", "run", str(spec), "--url", reference.base_url,
            "--max-examples", str(settings.max_examples), "--seed", str(settings.seed),
            "--workers", str(settings.workers), "--phases", ",".join(settings.phases), "--checks", "all",
            "--generation-deterministic", "--no-color",
        ]  # fmt: skip
        started = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True, check=False, cwd=tmp)
        return time.perf_counter() - started, proc.returncode


def detected(base_url: str, out: Path, *extra: str) -> tuple[set[tuple[str, str]], float]:
    """The finding keys ``conformance run`` of :data:`JUDGED` reports on ``base_url``, and its wall seconds."""
    suites = [f"--suite={suite}" for suite in JUDGED]
    args = [sys.executable, "-m", "conformance", "run", "--base-url", base_url, "--profile", "ogx-1.5", *suites,
            "--no-progress", "--report-dir", str(out), *extra]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(args, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    report = json.loads((out / "report.json").read_text())
    keys = {(f["check_id"], f["operation"]) for case in report["cases"] for f in case["findings"]}
    return keys, seconds


def _keys(keys: set[tuple[str, str]]) -> str:
    return "\n".join(f"    {check}  {operation}" for check, operation in sorted(keys)) or "    (none)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-run", action="store_true", help="only the detection comparison on the fake")
    parser.add_argument("--thorough", type=int, default=20, help="--max-examples of the thorough path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-run-") as name:
        tmp = Path(name)
        if not args.skip_run:
            wall, log, code, cpu = default_run(tmp)
            suites = {m.group(1): float(m.group(2)) for m in SUITE_LINE.finditer(log)}
            plain_s, plain_code = plain_schemathesis(tmp)
            print(f"default `conformance run` (embedded OGX 1.5.0, all suites): {wall:.1f} s wall (exit {code})")
            for suite, seconds in suites.items():
                print(f"  {suite:<10} {seconds:6.1f} s")
            print(f"  {'start-up, probe, reports, stop':<10} {wall - sum(suites.values()):6.1f} s")
            print("CPU seconds by process during the default run:")
            for kind, seconds in cpu.items():
                print(f"  {kind:<52} {seconds:6.1f} s")
            print(f"plain `schemathesis run`, same spec and settings: {plain_s:.1f} s (exit {plain_code})")
            print(f"ratio default run / schemathesis CLI: {wall / plain_s:.2f}")
            if "property" in suites:
                print(f"ratio property suite / schemathesis CLI: {suites['property'] / plain_s:.2f}")
        with running_app(make_app(BREAKS)) as url:
            fast, fast_s = detected(url, tmp / "fast")
            thorough, thorough_s = detected(url, tmp / "thorough", "--max-examples", str(args.thorough))
    print(f"fault-injecting fake server (breaks: {', '.join(sorted(BREAKS))})")
    print(f"default path ({PropertySettings().max_examples} examples): {len(fast)} finding keys in {fast_s:.1f} s")
    print(_keys(fast))
    print(f"thorough path (--max-examples {args.thorough}): {len(thorough)} finding keys in {thorough_s:.1f} s")
    print(_keys(thorough))
    print(f"found only by the thorough path ({len(thorough - fast)}):")
    print(_keys(thorough - fast))
    print(f"found only by the default path ({len(fast - thorough)}):")
    print(_keys(fast - thorough))
    print("the injected breaks (each is a check id), detected by default / thorough:")
    for broken in sorted(BREAKS):
        by = [any(check == broken for check, _ in keys) for keys in (fast, thorough)]
        print(f"    {broken:<36} {'yes' if by[0] else 'NO':>3} / {'yes' if by[1] else 'NO'}")
    print(f"ratio default / thorough wall time: {fast_s / thorough_s:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
