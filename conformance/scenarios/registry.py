"""The one scenario table: every flow by stable id, in recording order, with the profiles it applies to.

Built-in flows are the YAML files of ``flows/`` (simple request sequences) and the Python modules
(flows that need code: uploads, polling, picking events out of a stream). Which profile gets which
flow was read from the upstream sources: only ``llama-stack-0.3`` has the Agents API;
Conversations exist in all three (0.3 serves them as an internal API, and its Responses accept
``conversation``), as do Files, Vector stores, Completions and Embeddings.

A user's profile has only its own scenarios: the YAML files of its ``scenarios/`` folder.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from fnmatch import fnmatchcase
from pathlib import Path

from conformance.core.errors import UsageError
from conformance.core.profiles import Profile
from conformance.scenarios import agents, chat, files, responses, responses_inputs
from conformance.scenarios.base import Scenario
from conformance.scenarios.declarative import load_scenarios

__all__ = ["FLOWS_DIR", "SCENARIOS", "get_scenario", "scenarios_for", "select_scenarios"]

FLOWS_DIR = Path(__file__).resolve().parent / "flows"

SCENARIOS: dict[str, Scenario] = {
    s.id: s
    for group in (load_scenarios(FLOWS_DIR), *(m.SCENARIOS for m in (chat, responses, responses_inputs, files, agents)))
    for s in group
}
"""The built-in flows."""


def get_scenario(scenario_id: str) -> Scenario:
    try:
        return SCENARIOS[scenario_id]
    except KeyError:
        raise UsageError(f"unknown scenario {scenario_id!r} (known: {', '.join(SCENARIOS)})") from None


@functools.cache
def _own_scenarios(profile: Profile) -> tuple[Scenario, ...]:
    return tuple(load_scenarios(profile.scenarios_dir, profile))


def scenarios_for(profile: Profile) -> list[Scenario]:
    """The flows of ``profile``, in table order: the built-in ones registered for a built-in profile,
    a user profile's own YAML scenarios (read once; a malformed file is a usage error)."""
    if not profile.builtin:
        return list(_own_scenarios(profile))
    return [s for s in SCENARIOS.values() if s.applies_to(profile.id)]


def select_scenarios(profile: Profile, patterns: Iterable[str] = ()) -> list[Scenario]:
    """Flows for the profile whose id matches a glob in ``patterns`` (all of them when empty)."""
    available = scenarios_for(profile)
    patterns = tuple(patterns)
    if not patterns:
        return available
    for pattern in patterns:
        if not any(fnmatchcase(s.id, pattern) for s in available):
            known = ", ".join(s.id for s in available)
            raise UsageError(f"--scenario {pattern!r} matches no scenario of profile {profile.id} (known: {known})")
    return [s for s in available if any(fnmatchcase(s.id, p) for p in patterns)]
