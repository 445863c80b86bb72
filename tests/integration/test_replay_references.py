"""The committed recordings replayed against fresh references of their own release.

Each profile's reference must show no breaking difference in ``schema`` mode and no difference at
all in ``values`` mode (ids and timestamps are the only volatile fields; docs/replay.md). Fresh
references, not the session's shared ones: other tests leave objects behind that list endpoints
would show.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import ExitCode
from conformance.core.profiles import Profile, profile_for_release
from conformance.core.results import RunResult, Severity, Target
from conformance.diff import Strictness
from conformance.runner.base import RunContext, RunOptions, execute
from conformance.runner.replay import ReplaySuite
from conformance.servers.reference import RELEASES, RunningReference, reference_server


@pytest.fixture(scope="module", params=RELEASES)
def fresh_reference(request: pytest.FixtureRequest) -> Iterator[RunningReference]:
    with reference_server(request.param, progress=lambda _m: None) as reference:
        yield reference


def _profile(reference: RunningReference) -> Profile:
    profile = profile_for_release(reference.release)
    assert profile is not None
    return profile


def _replay(reference: RunningReference, strictness: Strictness) -> RunResult:
    profile = _profile(reference)
    target = Target(base_url=reference.base_url, profile=profile.id, embedded=True)
    with TargetClient(ClientSettings(base_url=reference.base_url)) as client:
        ctx = RunContext(client=client, profile=profile, target=target, options=RunOptions(fail_on=Severity.MAY))
        return execute([ReplaySuite(profile, strictness=strictness)], ctx)


def _differences(result: RunResult) -> list[str]:
    return [f"{case.id}: {f.message}" for case in result.cases for f in case.findings] + [
        f"{case.id}: {case.error}" for case in result.cases if case.error
    ]


@pytest.mark.integration
def test_own_reference_has_no_breaking_difference(fresh_reference: RunningReference) -> None:
    result = _replay(fresh_reference, Strictness.SCHEMA)
    breaking = [f for f in result.findings if f.severity is Severity.MUST]
    assert breaking == []
    assert not [c for c in result.cases if c.error]
    assert len(result.cases) > 50


@pytest.mark.integration
def test_own_reference_differs_in_nothing_but_ids_and_timestamps(fresh_reference: RunningReference) -> None:
    result = _replay(fresh_reference, Strictness.VALUES)
    assert _differences(result) == []
    assert result.exit_code is ExitCode.OK
