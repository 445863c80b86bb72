"""Fixtures for the deterministic model server tests."""

from __future__ import annotations

import pytest

from tests.unit.servers.model.model_server_support import Api


@pytest.fixture
def api() -> Api:
    """The app with the default configuration, called in memory."""
    return Api()
