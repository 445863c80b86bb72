"""Where a judging command's time goes, by thread and by what each thread is doing: a sampling profile.

Not a benchmark (``nox -s bench`` runs only ``bench_*.py``): ``python -m tests.bench.profile_run
[--interval-ms 10] -- check --base-url URL --profile ogx-1.5 --include 'property/*'``.

Runs the ``conformance`` command given after ``--`` in this process and, every ``--interval-ms``,
looks at every thread's stack (``sys._current_frames``) and counts the sample for the first frame,
innermost first, that belongs to a known kind of work: the socket (waiting for the server), the
HTTP client, Hypothesis (generating), jsonschema (validating), Schemathesis' engine, the guard proxy,
our own code. cProfile sees the main thread only, and Schemathesis runs its engine in a thread of
its own, so a sampler of every thread is what shows the split. docs/performance.md has the numbers.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter, defaultdict
from types import FrameType

KINDS = (
    ("/selectors.py", "idle: waiting for work (event loop)"),
    ("/socket.py", "waiting for the server (socket)"),
    ("/ssl.py", "waiting for the server (socket)"),
    ("/threading.py", "waiting for another thread"),
    ("/subprocess.py", "waiting for a child process (SDK flows)"),
    ("/queue.py", "waiting for another thread"),
    ("/hypothesis/", "generating (hypothesis)"),
    ("/jsonschema", "validating (jsonschema)"),
    ("/referencing/", "validating (jsonschema)"),
    ("/requests/", "HTTP client (requests, urllib3)"),
    ("/urllib3/", "HTTP client (requests, urllib3)"),
    ("/http/client.py", "HTTP client (requests, urllib3)"),
    ("/httpx/", "HTTP client (httpx)"),
    ("/httpcore/", "HTTP client (httpx)"),
    ("/h11/", "HTTP framing (h11)"),
    ("/conformance/core/guard_proxy.py", "guard proxy (ours)"),
    ("/schemathesis/", "schemathesis engine and checks"),
    ("/conformance/", "conformance (ours)"),
    ("/yaml/", "loading YAML"),
    ("/asyncio/", "asyncio"),
    ("<frozen importlib", "importing"),
)


def kind_of(frame: FrameType | None) -> str:
    """The first known kind of work on the stack, innermost frame first."""
    while frame is not None:
        path = frame.f_code.co_filename
        for marker, kind in KINDS:
            if marker in path:
                return kind
        frame = frame.f_back
    return "other"


class Sampler:
    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self.samples: dict[str, Counter[str]] = defaultdict(Counter)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.wait(self.interval_s):
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident != me:
                    self.samples[names.get(ident, str(ident))][kind_of(frame)] += 1

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _group(name: str) -> str:
    """Threads of one pool share a line (``ThreadPoolExecutor-0_3`` -> ``ThreadPoolExecutor-0``)."""
    return name.rsplit("_", 1)[0] if name.startswith("ThreadPoolExecutor") else name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval-ms", type=float, default=10.0)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the conformance command, after --")
    args = parser.parse_args()
    command = [a for a in args.command if a != "--"] if args.command else []
    from conformance.cli import main as conformance

    code: object = 0
    started = time.perf_counter()
    with Sampler(args.interval_ms / 1000) as sampler:
        try:
            conformance(command)
        except SystemExit as exc:
            code = exc.code
    wall = time.perf_counter() - started
    print(f"`conformance {' '.join(command)}`: {wall:.1f} s wall (exit {code})")
    threads: dict[str, Counter[str]] = defaultdict(Counter)
    for name, counts in sampler.samples.items():
        threads[_group(name)].update(counts)
    for name, counts in sorted(threads.items(), key=lambda kv: -kv[1].total()):
        total = counts.total()
        seconds = total * args.interval_ms / 1000
        print(f"thread {name}: {total} samples (~{seconds:.1f} s alive)")
        for kind, n in counts.most_common():
            if n / total >= 0.005:
                print(f"    {kind:<40} {100 * n / total:5.1f} %  ~{n * args.interval_ms / 1000:6.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
