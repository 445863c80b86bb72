"""The suite table: every suite the runner can execute, by stable name, in run order.

Every suite shards its own units under ``--shard i/n`` (:meth:`RunContext.in_shard
<conformance.runner.base.RunContext.in_shard>`): smoke by call, replay by recording, property by the
operations of a path or a resource, streaming by scenario, errors by probe (the probes-together summary
is a unit of its own, whose shard sends every probe), clients by SDK flow.

Replay runs right after smoke: list endpoints are then closest to the state they were recorded in,
before the property suite fills the server with generated objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from conformance.clients.sdks import with_clients
from conformance.core.errors import UsageError
from conformance.core.profiles import Profile
from conformance.core.results import RunPlan, Shard
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
    shard: Shard | None = None
    """``--shard i/n``: every suite judges its i-th slice (the run's :attr:`RunOptions.shard`)."""
    clients: tuple[str, ...] = ()
    """``--client``: SDK requirements run in place of the profile's for the same SDK."""

    def plan(
        self, command: str, suites: tuple[str, ...], include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
    ) -> RunPlan:
        """What a run of ``suites`` (empty: all) with these settings judges, for its report."""
        check_suite_names(suites)
        prop = self.property
        return RunPlan(
            command=command,
            suites=tuple(name for name in SUITES if not suites or name in suites),
            seed=prop.seed,
            max_examples=prop.max_examples,
            phases=prop.phases,
            disabled_checks=tuple(sorted(prop.disabled_checks)),
            spec=str(prop.spec_path) if prop.spec_path is not None else None,
            clients=self.clients,
            include=include,
            exclude=exclude,
        )


@dataclass(frozen=True, slots=True)
class SuiteInfo:
    name: str
    description: str
    factory: Callable[[Profile, SuiteSettings], Suite]


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
    return [info.factory(profile, settings) for info in chosen]
