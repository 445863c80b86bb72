"""The scenario table: stable ids, the profiles each flow applies to, selection by glob."""

from __future__ import annotations

import re

import pytest

from conformance.core.errors import UsageError
from conformance.core.profiles import PROFILES
from conformance.scenarios import SCENARIOS, get_scenario, scenarios_for, select_scenarios


def test_ids_are_stable_kebab_case_and_unique() -> None:
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in SCENARIOS)
    assert all(SCENARIOS[s].id == s for s in SCENARIOS)


def test_the_agents_api_is_recorded_for_llama_stack_0_3_only() -> None:
    agents = {s.id for s in SCENARIOS.values() if s.api == "agents"}
    assert agents == {"agents-lifecycle", "agents-client-tool", "agents-non-streaming-turn"}
    for profile in PROFILES:
        registered = {s.id for s in scenarios_for(PROFILES[profile])}
        assert (agents <= registered) is (profile == "llama-stack-0.3")


@pytest.mark.parametrize("profile", list(PROFILES))
def test_every_profile_covers_every_other_api(profile: str) -> None:
    apis = {s.api for s in scenarios_for(PROFILES[profile])}
    assert apis >= {
        "responses",
        "chat",
        "conversations",
        "completions",
        "embeddings",
        "models",
        "files",
        "vector-stores",
    }


def test_selection_by_glob_keeps_table_order() -> None:
    chosen = [s.id for s in select_scenarios(PROFILES["ogx-1.5"], ["responses-c*", "chat-completions-create"])]
    assert chosen == [
        "chat-completions-create",
        "responses-create",
        "responses-chain",
        "responses-conversation",
        "responses-compact",
        "responses-compact-errors",
    ]


def test_a_pattern_matching_nothing_for_the_profile_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"--scenario 'agents-\*' matches no scenario of profile ogx-1\.5"):
        select_scenarios(PROFILES["ogx-1.5"], ["agents-*"])
    with pytest.raises(UsageError, match="unknown scenario 'nope'"):
        get_scenario("nope")


def test_which_profile_gets_a_flow_is_read_from_its_spec() -> None:
    def has(profile: str, scenario: str) -> bool:
        return scenario in {s.id for s in scenarios_for(PROFILES[profile])}

    assert [has(p, "responses-compact") for p in ("ogx-1.5", "llama-stack-0.7", "llama-stack-0.3")] == [
        True,
        False,
        False,
    ]
    assert [has(p, "responses-background") for p in ("ogx-1.5", "llama-stack-0.7", "llama-stack-0.3")] == [
        True,
        True,
        False,
    ]
    assert all(has(p, "responses-multi-turn") for p in PROFILES)
