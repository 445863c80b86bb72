"""Shared pytest configuration: every test runs with its own reference-state directory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from conformance.servers.serving import running_app


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
    with ExitStack() as stack:
        yield lambda app: stack.enter_context(running_app(app))
