"""Integration fixtures: real upstream reference servers in their cached environments."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from conformance.servers.reference import RunningReference, start_reference

ReferenceFactory = Callable[[str], RunningReference]


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
