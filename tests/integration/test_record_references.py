"""Recording against the real references: every scenario completes, and the committed recordings are current."""

from __future__ import annotations

from pathlib import Path

import pytest
from vcr.cassette import Cassette as VcrCassette

from conformance.cassettes import load_profile_cassettes
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import profile_for_release
from conformance.runner.record import record_scenarios
from conformance.runner.target import probe_target
from conformance.scenarios import scenarios_for
from conformance.servers.reference import RELEASES
from tests.integration.conftest import ReferenceFactory


@pytest.mark.integration
@pytest.mark.parametrize("release", list(RELEASES))
def test_every_scenario_records_and_matches_the_committed_steps(
    reference_servers: ReferenceFactory, release: str, tmp_path: Path
) -> None:
    reference = reference_servers(release)
    profile = profile_for_release(release)
    assert profile is not None
    with TargetClient(ClientSettings(base_url=reference.base_url)) as client:
        target, _ = probe_target(client, profile_id=profile.id)
        results = record_scenarios(client, scenarios_for(profile), profile=profile, target=target, folder=tmp_path)
    assert [r.error for r in results if r.error] == []
    fresh = {c.name: c for c in load_profile_cassettes(tmp_path, profile.id)}
    committed = {c.name: c for c in load_profile_cassettes(profile.recordings, profile.id)}
    # Re-record (docs/replay.md) when a scenario changes: the committed cassettes must follow the code.
    assert set(fresh) == set(committed)
    for name, cassette in fresh.items():
        assert [i.step for i in cassette.interactions] == [i.step for i in committed[name].interactions], name
        assert cassette.meta.server_version == committed[name].meta.server_version
        assert len(VcrCassette.load(path=str(cassette.path))) == len(cassette.interactions)
