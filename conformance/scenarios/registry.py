"""The one scenario table: every flow by stable id, in recording order, with the profiles it applies to.

Which profile gets which flow was read from the upstream sources: only ``llama-stack-0.3`` has the
Agents API; Conversations exist in all three (0.3 serves them as an internal API, and its
Responses accept ``conversation``), as do Files, Vector stores, Completions and Embeddings.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

from conformance.core.errors import UsageError
from conformance.scenarios import agents, chat, conversations, files, inference, responses
from conformance.scenarios.base import Scenario

__all__ = ["SCENARIOS", "get_scenario", "scenarios_for", "select_scenarios"]

SCENARIOS: dict[str, Scenario] = {
    s.id: s for module in (inference, chat, responses, conversations, files, agents) for s in module.SCENARIOS
}


def get_scenario(scenario_id: str) -> Scenario:
    try:
        return SCENARIOS[scenario_id]
    except KeyError:
        raise UsageError(f"unknown scenario {scenario_id!r} (known: {', '.join(SCENARIOS)})") from None


def scenarios_for(profile_id: str) -> list[Scenario]:
    """The flows registered for ``profile_id``, in table order."""
    return [s for s in SCENARIOS.values() if s.applies_to(profile_id)]


def select_scenarios(profile_id: str, patterns: Iterable[str] = ()) -> list[Scenario]:
    """Flows for the profile whose id matches a glob in ``patterns`` (all of them when empty)."""
    available = scenarios_for(profile_id)
    patterns = tuple(patterns)
    if not patterns:
        return available
    for pattern in patterns:
        if not any(fnmatchcase(s.id, pattern) for s in available):
            known = ", ".join(s.id for s in available)
            raise UsageError(f"--scenario {pattern!r} matches no scenario of profile {profile_id} (known: {known})")
    return [s for s in available if any(fnmatchcase(s.id, p) for p in patterns)]
