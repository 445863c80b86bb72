"""A scenario's API groups (what ``conformance record --api`` selects by) are those of the operations
its committed recordings call."""

from __future__ import annotations

import pytest

from conformance.cassettes import load_profile_cassettes
from conformance.core.profiles import IMPLIED_APIS, PROFILES, get_profile
from conformance.scenarios import SCENARIOS


@pytest.mark.parametrize("profile_id", sorted(PROFILES))
def test_every_recording_calls_exactly_the_apis_its_scenario_declares(profile_id: str) -> None:
    profile = get_profile(profile_id)
    cassettes = load_profile_cassettes(PROFILES[profile_id].recordings, profile_id, ())
    assert cassettes
    for cassette in cassettes:
        called = {profile.api_of(f"{i.request.method} {i.request.path}") for i in cassette.interactions}
        scenario = SCENARIOS[cassette.name]
        assert scenario.api in called, cassette.name
        assert called - IMPLIED_APIS == scenario.apis - IMPLIED_APIS, cassette.name
        assert scenario.apis <= set(profile.apis), cassette.name
