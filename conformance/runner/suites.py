"""The suite table: every suite `conformance run` can execute, by stable name, in run order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from conformance.core.errors import UsageError
from conformance.core.profiles import Profile
from conformance.runner.base import Suite
from conformance.runner.smoke import SmokeSuite

__all__ = ["SUITES", "SuiteInfo", "select_suites"]


@dataclass(frozen=True, slots=True)
class SuiteInfo:
    name: str
    description: str
    factory: Callable[[Profile], Suite]


SUITES: dict[str, SuiteInfo] = {
    s.name: s
    for s in (
        SuiteInfo(
            "smoke", "health, models, chat completion (plain and streaming), response create", lambda _p: SmokeSuite()
        ),
    )
}


def select_suites(names: tuple[str, ...], profile: Profile) -> list[Suite]:
    """Suites in table order; all of them when ``names`` is empty."""
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        raise UsageError(f"unknown suite {unknown[0]!r} (known: {', '.join(SUITES)})")
    return [info.factory(profile) for name, info in SUITES.items() if not names or name in names]
