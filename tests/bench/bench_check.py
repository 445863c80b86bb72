"""`conformance check` against the plain Schemathesis CLI: same spec, settings and server, in one run.

Run by ``nox -s bench`` (not by pytest): ``python -m tests.bench.bench_check [--max-examples N]``.

Both tools test the same operations of the OGX 1.5 profile against one real OGX 1.5.0 reference,
through a counting reverse proxy on 127.0.0.1, so requests are counted the same way for both. The
ratio measures what our layer adds on top of Schemathesis' engine: event folding into findings,
curl reproductions and redacted evidence, the four reports.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conformance.core.profiles import get_profile
from conformance.servers.reference import reference_server
from conformance.servers.serving import running_app

OPERATIONS = (
    "GET /v1/models",
    "GET /v1/models/{model_id}",
    "POST /v1/conversations",
    "GET /v1/conversations/{conversation_id}",
    "POST /v1/conversations/{conversation_id}",
    "DELETE /v1/conversations/{conversation_id}",
    "GET /v1/files",
    "POST /v1/embeddings",
)
PHASES = ("examples", "coverage", "fuzzing")
_HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


class CountingProxy:
    """Forwards every request to ``upstream`` and counts them, and the distinct ones (method, target,
    body): the difference is requests sent again (the same input in several phases)."""

    def __init__(self, upstream: str) -> None:
        self.count = 0
        self.distinct: set[tuple[str, str, str]] = set()
        self._client = httpx.AsyncClient(base_url=upstream, timeout=60)
        self.app = Starlette(
            routes=[
                Route(
                    "/{path:path}", self.forward, methods=["GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD"]
                )
            ]
        )

    async def forward(self, request: Request) -> Response:
        self.count += 1
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
        # Fuzzed paths may hold bytes httpx refuses in a URL: forward them percent-encoded (both tools alike).
        raw = request.scope.get("raw_path") or request.url.path.encode()
        target = quote(raw.decode("latin-1"), safe="/%:@!$&'()*+,;=-._~")
        query = request.scope.get("query_string", b"").decode("latin-1")
        url = f"{target}?{quote(query, safe='=&%+')}" if query else target
        body = await request.body()
        self.distinct.add((request.method, url, hashlib.sha1(body).hexdigest()))
        try:
            upstream = await self._client.request(request.method, url, headers=headers, content=body)
        except (httpx.ReadError, httpx.RemoteProtocolError):
            # The upstream closes keep-alive connections after an error (shared/upstream-servers.md).
            upstream = await self._client.request(request.method, url, headers=headers, content=body)
        out = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_HEADERS | {"content-encoding"}}
        return Response(upstream.content, status_code=upstream.status_code, headers=out)


def _timed(proxy: CountingProxy, argv: list[str]) -> tuple[float, int, int, int]:
    proxy.count = 0
    proxy.distinct.clear()
    started = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, proxy.count, len(proxy.distinct), proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    spec = get_profile("ogx-1.5").spec_path
    common = ["--max-examples", str(args.max_examples), "--seed", str(args.seed), "--workers", "1"]
    with reference_server("ogx==1.5.0") as reference, tempfile.TemporaryDirectory() as tmp:
        proxy = CountingProxy(reference.base_url)
        with running_app(proxy.app) as url:
            ours = [
                sys.executable,
                "-m",
                "conformance",
                "check",
                "--base-url",
                url,
                "--profile",
                "ogx-1.5",
                "--report-dir",
                str(Path(tmp) / "ours"),
                *common,
                *(f"--phase={p}" for p in PHASES),
                *(f"--include=property/{op}" for op in OPERATIONS),
            ]
            plain = [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                str(spec),
                "--url",
                url,
                *common,
                "--phases",
                ",".join(PHASES),
                "--checks",
                "all",
                "--generation-deterministic",
                "--no-color",
                *(f"--include-name={op}" for op in OPERATIONS),
            ]
            plain_s, plain_n, plain_d, plain_rc = _timed(proxy, plain)
            ours_s, ours_n, ours_d, ours_rc = _timed(proxy, ours)
    print(f"operations: {len(OPERATIONS)}, phases: {','.join(PHASES)}, max-examples {args.max_examples}")
    rows = (
        ("schemathesis CLI", plain_s, plain_n, plain_d, plain_rc),
        ("conformance check", ours_s, ours_n, ours_d, ours_rc),
    )
    for name, seconds, requests, distinct, code in rows:
        print(f"{name:<18}: {seconds:7.2f} s  {requests:5d} requests ({distinct} distinct)  "
              f"{requests / seconds:7.1f} req/s  (exit {code})")  # fmt: skip
    print(f"wall-time ratio (conformance / schemathesis): {ours_s / plain_s:.2f}")


if __name__ == "__main__":
    main()
