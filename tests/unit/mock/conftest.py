"""A mock server of the committed llama-stack-0.3 recordings, in-process on a free port."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import cache

import pytest

from conformance.cassettes.store import load_profile_cassettes
from conformance.core.profiles import get_profile
from conformance.mock import Engine, MockApp, MockSettings, Recordings, parse_fault
from conformance.servers.serving import running_app
from conformance.spec.loader import load_spec

PROFILE = "llama-stack-0.3"

StartMock = Callable[..., AbstractContextManager[str]]


@cache
def recordings() -> Recordings:
    profile = get_profile(PROFILE)
    return Recordings.load(load_spec(PROFILE), load_profile_cassettes(profile.recordings, PROFILE))


@pytest.fixture
def start_mock() -> StartMock:
    """``with start_mock(fault="status=503") as url:`` a fresh mock (its own state and journal)."""

    @contextmanager
    def start(*faults: str, stream_delay_s: float = 0.0) -> Iterator[str]:
        settings = MockSettings(stream_delay_s=stream_delay_s, faults=tuple(parse_fault(f) for f in faults))
        with running_app(MockApp(Engine(recordings()), settings)) as url:
            yield url

    return start
