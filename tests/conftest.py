"""Shared pytest configuration: every test runs with its own reference-state directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


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
