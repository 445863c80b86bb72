"""The suite table: every suite the runner can execute, by stable name, in run order.

Replay runs right after smoke: list endpoints are then closest to the state they were recorded in,
before the property suite fills the server with generated objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from conformance.clients.sdks import with_clients
from conformance.core.errors import UsageError
from conformance.core.profiles import Profile
from conformance.runner.base import Suite
from conformance.runner.clients import ClientsSuite
from conformance.runner.errors import ErrorsSuite
from conformance.runner.property import PropertySettings, PropertySuite
from conformance.runner.replay import ReplaySuite
from conformance.runner.smoke import SmokeSuite
from conformance.runner.streaming import StreamingSuite, StreamValidators

__all__ = ["CHECK_SUITES", "SUITES", "SuiteInfo", "SuiteSettings", "check_suite_names", "select_suites"]


@dataclass(frozen=True, slots=True)
class SuiteSettings:
    """Per-suite settings that commands collect from their options."""

    property: PropertySettings = field(default_factory=PropertySettings)
    run_once_per_shard_group: bool = True
    """False on shards other than the first: suites that are not sharded run on shard 1 only."""
    clients: tuple[str, ...] = ()
    """``--client``: SDK requirements run in place of the profile's for the same SDK."""


@dataclass(frozen=True, slots=True)
class SuiteInfo:
    name: str
    description: str
    factory: Callable[[Profile, SuiteSettings], Suite]
    sharded: bool = False
    """Whether the suite splits its work by ``--shard``; the others run on the first shard only."""


SUITES: dict[str, SuiteInfo] = {
    s.name: s
    for s in (
        SuiteInfo(
            "smoke",
            "health, version, models, chat completion (plain and streaming), response create; schema-validated",
            lambda _p, _s: SmokeSuite(),
        ),
        SuiteInfo(
            "replay",
            "the profile's committed recordings replayed, differences classified breaking/additive/value-only",
            lambda p, _s: ReplaySuite(p),
        ),
        SuiteInfo(
            "property",
            "Schemathesis on every operation of the profile's spec (examples, coverage, fuzzing, stateful)",
            lambda _p, s: PropertySuite(s.property),
            sharded=True,
        ),
        SuiteInfo(
            "streaming",
            "SSE lifecycle rules for responses, chat completions and agent turns; events validated by the spec",
            lambda p, _s: StreamingSuite(validators=StreamValidators.from_spec(p.id)),
        ),
        SuiteInfo(
            "errors",
            "the error contract: unknown ids give 404, invalid bodies 400/422 with JSON",
            lambda _p, _s: ErrorsSuite(),
        ),
        SuiteInfo(
            "clients",
            "flows written against the official SDKs (the profile's clients), run with the real SDK; "
            "an SDK that raises on the server's answers is a finding",
            lambda p, s: ClientsSuite(with_clients(p.clients, s.clients)),
        ),
    )
}

CHECK_SUITES = ("property", "streaming", "errors")
"""What `conformance check` runs; `conformance run` runs every suite."""


def check_suite_names(names: tuple[str, ...]) -> None:
    """A usage error for a name not in the table (checked before any server is started)."""
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        raise UsageError(f"unknown suite {unknown[0]!r} (known: {', '.join(SUITES)})")


def select_suites(names: tuple[str, ...], profile: Profile, settings: SuiteSettings | None = None) -> list[Suite]:
    """Suites in table order; all of them when ``names`` is empty."""
    settings = settings or SuiteSettings()
    check_suite_names(names)
    chosen = [info for name, info in SUITES.items() if not names or name in names]
    return [info.factory(profile, settings) for info in chosen if info.sharded or settings.run_once_per_shard_group]
