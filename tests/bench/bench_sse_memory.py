"""Peak memory of reading an event stream and judging it with the streaming checks, by stream size.

Run by ``nox -s bench`` (not by pytest): ``python -m tests.bench.bench_sse_memory [--sizes-mb 1,10,100]``.

A local server (in this process, on 127.0.0.1) streams a chat completion of the given size: chunks
of about 1 KB of text each, a final chunk and ``data: [DONE]``, as a conformant server streams one.
Each size is read by a child process, as the streaming suite reads a stream (``TargetClient.exchange``
with ``stream=True``), then judged by every chat-stream check (``checks/streams.py``). The run's
stream limits (``--max-body-bytes`` x 4 and 5000 events) would cut such a stream early, so the child
raises them above the size. Peak RSS is each child's own ``ru_maxrss`` (``os.wait4``), so the peaks
are separate; the ratio is to the smallest size, measured in the same run. Bounded buffers mean the
peak does not grow with the stream's size.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from conformance.servers.serving import running_app

CHUNK_TEXT = 1000
"""Characters of content per chunk: a chunk is about 1.2 KB on the wire."""
MB = 1024 * 1024


def _chunk(delta: dict[str, object], finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "bench/model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


async def _stream(request: Request) -> StreamingResponse:
    size = int(request.path_params["mb"]) * MB

    async def chunks() -> AsyncIterator[bytes]:
        sent = 0
        first = _chunk({"role": "assistant", "content": ""})
        yield first
        sent += len(first)
        text = "x" * CHUNK_TEXT
        while sent < size:
            chunk = _chunk({"content": text})
            yield chunk
            sent += len(chunk)
        yield _chunk({}, finish="stop")
        yield b"data: [DONE]\n\n"

    return StreamingResponse(chunks(), media_type="text/event-stream")


def make_app() -> Starlette:
    return Starlette(routes=[Route("/{mb:int}/v1/chat/completions", _stream, methods=["POST"])])


def child(base_url: str, size_mb: int) -> None:
    """Read one stream as the streaming suite does and judge it; prints the events and findings."""
    from conformance.checks.streams import stream_findings
    from conformance.core.client import ClientSettings, TargetClient
    from conformance.core.limits import Limits

    limits = Limits(timeout_s=600, max_stream_bytes=4 * size_mb * MB + MB, max_stream_events=10 * size_mb * MB)
    with TargetClient(ClientSettings(base_url=f"{base_url}/{size_mb}", limits=limits)) as client:
        body = {"model": "bench/model", "messages": [{"role": "user", "content": "hi"}], "stream": True}
        exchange = client.exchange(client.build("POST", "/v1/chat/completions", json=body), stream=True)
    assert exchange.stream is not None
    truncated = exchange.stream.truncated
    findings = stream_findings(exchange, "chat")
    print(json.dumps({"events": len(exchange.stream.events), "truncated": truncated,
                      "findings": sorted(f.check_id for f in findings)}))  # fmt: skip


def _measure(base_url: str, size_mb: int) -> tuple[float, float, str]:
    """(peak RSS in MB, wall seconds, the child's output) of one child reading one stream."""
    read, write = os.pipe()
    args = [sys.executable, "-m", "tests.bench.bench_sse_memory", "--child", base_url, str(size_mb)]
    started = time.monotonic()
    pid = os.posix_spawn(sys.executable, args, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, write, 1)])
    os.close(write)
    with os.fdopen(read) as out:
        text = out.read()
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the child reading {size_mb} MB failed: {text}")
    return usage.ru_maxrss / 1024, time.monotonic() - started, text.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-mb", default="1,10,100", help="stream sizes to measure, comma-separated")
    parser.add_argument("--child", nargs=2, metavar=("BASE_URL", "SIZE_MB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return 0
    sizes = sorted(int(s) for s in args.sizes_mb.split(","))
    rows = []
    with running_app(make_app()) as url:
        for size in sizes:
            peak, seconds, out = _measure(url, size)
            rows.append((size, peak, seconds, json.loads(out.splitlines()[-1])))
    base = rows[0][1]
    print("SSE stream read and judged by the chat-stream checks (one child process per size)")
    for size, peak, seconds, out in rows:
        findings = ", ".join(out["findings"]) or "none"
        print(f"{size:5d} MB stream: peak RSS {peak:7.1f} MB (x{peak / base:.2f} of {sizes[0]} MB)  "
              f"{out['events']:7d} events {seconds:6.1f} s  cut: {out['truncated']}  findings: {findings}")  # fmt: skip
    growth = rows[-1][1] - base
    per_mb = growth / max(1, sizes[-1] - sizes[0])
    print(f"growth from {sizes[0]} MB to {sizes[-1]} MB: {growth:.1f} MB of RSS ({per_mb:.2f} MB per MB streamed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
