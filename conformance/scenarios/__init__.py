"""Multi-step flows over the HTTP API, each a named unit in one registry, tagged with its profiles.

Scenarios drive a :class:`~conformance.core.client.TargetClient` and report every exchange to a
hook; recording turns those exchanges into cassettes. They never judge the answers.
"""

from conformance.scenarios.base import (
    AGENT_PROFILES,
    ALL_PROFILES,
    ExchangeHook,
    Models,
    Scenario,
    ScenarioContext,
    ScenarioError,
)
from conformance.scenarios.models import discover_models, models_from_listing
from conformance.scenarios.registry import SCENARIOS, get_scenario, scenarios_for, select_scenarios

__all__ = [
    "AGENT_PROFILES",
    "ALL_PROFILES",
    "SCENARIOS",
    "ExchangeHook",
    "Models",
    "Scenario",
    "ScenarioContext",
    "ScenarioError",
    "discover_models",
    "get_scenario",
    "models_from_listing",
    "scenarios_for",
    "select_scenarios",
]
