"""Serving over real sockets: in-process, and the ``conformance model serve`` command as a subprocess."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from conformance.core.errors import UsageError
from conformance.servers.model import CHAT_MODEL, EMBEDDING_MODEL, ModelServerConfig
from conformance.servers.model.serving import base_url, listen, running_server
from tests.unit.servers.model.model_server_support import sse_chunks

START_TIMEOUT_S = 30.0
LINE_PREFIX = "model server listening on "


@pytest.fixture
def occupied_port() -> Iterator[int]:
    """A port some other socket is listening on (picked by the kernel, never fixed)."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_listen_on_port_zero_picks_a_free_port() -> None:
    with listen("127.0.0.1", 0) as sock:
        url = base_url(sock)
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/v1")
        assert int(url.split(":")[2].removesuffix("/v1")) > 0


def test_listen_on_a_busy_port_is_a_usage_error(occupied_port: int) -> None:
    with pytest.raises(UsageError, match=f"port {occupied_port} on 127.0.0.1 is already in use"):
        listen("127.0.0.1", occupied_port)


def test_a_running_server_streams_over_http() -> None:
    with running_server(ModelServerConfig(embedding_dimension=4)) as url, httpx.Client(base_url=url) as client:
        body = {"model": CHAT_MODEL, "messages": [{"role": "user", "content": "hi there"}], "stream": True}
        with client.stream("POST", "/chat/completions", json=body) as response:
            assert response.status_code == 200
            assert "date" not in response.headers
            assert "server" not in response.headers
            raw = response.read().decode()
        chunks = sse_chunks(raw)
        assert (
            "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == "Deterministic reply to: hi there"
        )
        vector = client.post("/embeddings", json={"model": EMBEDDING_MODEL, "input": "x"}).json()["data"][0]
        assert len(vector["embedding"]) == 4


def _first_line(proc: subprocess.Popen[str]) -> str:
    """The first stdout line, or "" if none comes within the timeout (a thread, since readline blocks)."""
    lines: list[str] = []
    assert proc.stdout is not None
    stdout = proc.stdout
    reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT_S)
    return lines[0] if lines else ""


@contextmanager
def _serve_cli(*args: str) -> Iterator[str]:
    """Runs ``conformance model serve --port 0`` and yields its first stdout line; terminates it afterwards."""
    command = [sys.executable, "-m", "conformance", "model", "serve", "--port", "0", *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = _first_line(proc)
        if not line:
            proc.kill()
            _, stderr = proc.communicate()
            pytest.fail(f"the model server printed no listening line; stderr:\n{stderr}")
        yield line
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        proc.communicate()


def test_the_cli_announces_its_url_once_it_accepts_connections() -> None:
    with _serve_cli("--embedding-dimension", "5") as line:
        assert line.startswith(LINE_PREFIX)
        assert line.endswith("/v1\n")
        url = line.removeprefix(LINE_PREFIX).strip()
        assert url.startswith("http://127.0.0.1:")
        models = httpx.get(f"{url}/models", timeout=10).json()
        assert [m["id"] for m in models["data"]] == [CHAT_MODEL, EMBEDDING_MODEL]
        embedding = httpx.post(f"{url}/embeddings", json={"model": EMBEDDING_MODEL, "input": "x"}, timeout=10).json()
        assert len(embedding["data"][0]["embedding"]) == 5


def test_the_cli_reports_a_busy_port_in_one_line_with_exit_2(occupied_port: int) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "model", "serve", "--port", str(occupied_port)],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"error: port {occupied_port} on 127.0.0.1 is already in use\n"
