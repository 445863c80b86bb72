"""Integration fixtures: real upstream reference servers in their cached environments.

Tests share one reference per release for the session (:func:`reference_servers`). A few start their
own on purpose, because what they test needs a fresh server or the start itself:
``test_check_references.py`` (the property suite's findings depend on the server's state, so a fixed
seed reproduces them only on a fresh one; its known-findings test runs `conformance run` as a user
does, embedded reference included), ``test_replay_references.py`` (the recordings were made on a
fresh server and their list answers assume one), and the CLI tests of starting and stopping
(``test_cli_embedded.py``, ``test_cli_signals.py``, ``test_pytest_plugin_reference.py``).

Time limits here guard against hangs and do not measure speed: pyproject's pytest-timeout (900 s) is
for unit tests; an integration test gets :data:`INTEGRATION_TIMEOUT_S` (a whole `conformance run` took
17 minutes on a busy 2-core machine); ``CONFORMANCE_TEST_TIMEOUT_SCALE`` multiplies it and every
subprocess timeout of :func:`tests.fakes.cli.conformance`, for a machine slower still.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from conformance.servers.reference import RunningReference, start_reference
from tests.fakes.cli import timeout_scale

ReferenceFactory = Callable[[str], RunningReference]

INTEGRATION_TIMEOUT_S = 3 * 3600
"""pytest-timeout's limit for one integration test: only a hang reaches it (a test may run the whole
suite twice, each run within its own subprocess timeout of half an hour)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every integration test without a timeout of its own gets the integration guard."""
    for item in items:
        if item.get_closest_marker("integration") is not None and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(INTEGRATION_TIMEOUT_S * timeout_scale()))


@pytest.fixture(scope="session")
def reference_servers() -> Iterator[ReferenceFactory]:
    """``reference_servers("ogx==1.5.0")``: that release's reference, started on first use.

    One server per release for the whole session (they take a few seconds to start and hold
    ~200 MB each); all are stopped at the end, even when tests fail.
    """
    running: dict[str, RunningReference] = {}

    def get(release: str) -> RunningReference:
        if release not in running:
            running[release] = start_reference(release, port=0, progress=lambda m: None)
        ref = running[release]
        assert ref.alive(), f"the {release} reference died during the session"
        return ref

    try:
        yield get
    finally:
        for reference in running.values():
            reference.stop()
