"""Shared pytest configuration: every test runs with its own reference-state directory."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn


@pytest.fixture(autouse=True, scope="session")
def _isolated_reference_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """References started by tests never mix with those a developer started by hand.

    The environment cache (CONFORMANCE_CACHE_DIR) is deliberately shared: building an upstream
    environment is the slow part, and it is keyed by its exact requirements.
    """
    state = tmp_path_factory.mktemp("reference-state")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CONFORMANCE_STATE_DIR", str(state))
        yield state


@pytest.fixture
def serve_app() -> Iterator[Callable[[Any], str]]:
    """``serve_app(asgi_app) -> base_url``: serve an in-process app on a real 127.0.0.1 port.

    For code that needs a real listener (Schemathesis, subprocesses); stopped after the test.
    """
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def serve(app: Any) -> str:
        # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on such sockets; without it every
        # response waits ~40 ms for Nagle's algorithm.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        servers.append((server, thread))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    yield serve
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)
