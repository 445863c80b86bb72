"""Joining the shards of a run (``--shard i/n`` on n CI jobs) into the run they are slices of.

Each shard judged its slice of every suite's units (:meth:`Shard.slice <conformance.core.results.Shard.slice>`)
and wrote its own reports. :func:`merge_shards` checks that the shards are the n slices of one run (same
target, same plan, same ``--fail-on``, each slice once, none missing), joins their cases in run order and
then gates once, as :func:`~conformance.runner.base.execute` gates an unsharded run: the finding caps over
the whole run, the baseline's expected and stale keys, the exit code. A shard does not judge stale
baseline entries (another shard may meet them); the merged run does.

``fail_on`` is the shards' own: their suites judged each case's status by it (a replay scenario's verdict
from its interactions'), so a merge cannot re-judge them by another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from conformance.core.errors import UsageError
from conformance.core.profiles import get_profile
from conformance.core.results import CaseResult, RunResult, Severity, Shard
from conformance.runner.base import apply_baseline, judges
from conformance.runner.blocked import PREREQUISITES
from conformance.runner.caps import FindingCaps

__all__ = ["ShardReport", "check_shards", "merge_shards"]

_WHOLE = Shard(index=1, count=1)
"""What a report of an unsharded run is: the one slice of itself."""


@dataclass(frozen=True)
class ShardReport:
    """One shard's run, and where it was read from (named in every message about it)."""

    source: str
    result: RunResult

    @property
    def shard(self) -> Shard:
        return self.result.shard or _WHOLE


def _identity(result: RunResult) -> dict[str, Any]:
    """What the shards of one run share. Not the base URL: each job of a matrix may start its own server
    (an embedded reference listens on another port in each); the server is who it says it is."""
    target = result.target
    fields: dict[str, Any] = {
        "conformance version": result.suite_version,
        "profile": target.profile,
        "server": target.server,
        "server version": target.version,
        "embedded reference": target.embedded,
        "APIs": target.apis,
        "--fail-on": result.fail_on.value.lower(),
    }
    plan = result.plan.model_dump() if result.plan is not None else {}
    return fields | {name.replace("_", " "): value for name, value in plan.items()}


def _shown(value: Any) -> str:
    if isinstance(value, tuple | list):
        return ", ".join(map(str, value)) or "none"
    return "none" if value is None else str(value)


def check_shards(shards: Sequence[ShardReport]) -> list[ShardReport]:
    """The shards in slice order; a usage error when they are not the n slices of one run, each once."""
    if not shards:
        raise UsageError("no shard to merge")
    first = shards[0]
    expected = _identity(first.result)
    for other in shards[1:]:
        theirs = _identity(other.result)
        for name in sorted(set(expected) | set(theirs)):
            if expected.get(name) != theirs.get(name):
                raise UsageError(
                    f"{other.source} is not a shard of the run {first.source} is: its {name} is "
                    f"{_shown(theirs.get(name))}, not {_shown(expected.get(name))}"
                )
        if other.shard.count != first.shard.count:
            raise UsageError(
                f"{other.source} is shard {other.shard.label} and {first.source} is shard {first.shard.label}: "
                "the shards of one run are cut into the same n"
            )
    by_index: dict[int, ShardReport] = {}
    for shard in shards:
        seen = by_index.setdefault(shard.shard.index, shard)
        if seen is not shard:
            raise UsageError(f"shard {shard.shard.label} is given twice: {seen.source} and {shard.source}")
    count = first.shard.count
    missing = [f"{index}/{count}" for index in range(1, count + 1) if index not in by_index]
    if missing:
        given = ", ".join(by_index[index].shard.label for index in sorted(by_index))
        raise UsageError(f"shard {', '.join(missing)} missing (given: {given})")
    return [by_index[index] for index in sorted(by_index)]


def _suite_rank(suites: Sequence[str]) -> Callable[[str], tuple[int, int]]:
    """Run order: what blocked other cases first, then the suite table's order, then the rest (``run``)."""
    from conformance.runner.suites import SUITES

    order = [PREREQUISITES, *SUITES]
    extra = [name for name in dict.fromkeys(suites) if name not in order]
    return lambda suite: (0, order.index(suite)) if suite in order else (1, extra.index(suite))


def _same(a: CaseResult, b: CaseResult) -> bool:
    return a.model_copy(update={"duration_s": 0.0}) == b.model_copy(update={"duration_s": 0.0})


def _joined_cases(shards: Sequence[ShardReport]) -> list[CaseResult]:
    """Every shard's cases, by suite in run order and within a suite by shard. A case several shards
    produced alike (what blocked them all) is kept once; one they produced differently (a suite's harness
    error in two jobs) is kept from each, the later ones named by their shard."""
    by_id: dict[str, CaseResult] = {}
    joined: list[tuple[str, CaseResult]] = []
    for shard in shards:
        for case in shard.result.cases:
            seen = by_id.get(case.id)
            if seen is None:
                by_id[case.id] = case
                joined.append((case.suite, case))
            elif not _same(seen, case):
                joined.append((case.suite, case.model_copy(update={"id": f"{case.id} [shard {shard.shard.label}]"})))
    rank = _suite_rank([suite for suite, _ in joined])
    return [case for _, case in sorted(joined, key=lambda item: rank(item[0]))]  # a stable sort: shard order kept


def merge_shards(
    shards: Sequence[ShardReport],
    *,
    baseline: Iterable[tuple[str, str]] = (),
    allow_stale: bool = False,
    fail_on: Severity | None = None,
) -> RunResult:
    """The run the ``shards`` are slices of, gated once (see the module's docstring). ``fail_on``, when
    given, must be the shards' own."""
    ordered = check_shards(shards)
    first = ordered[0].result
    if fail_on is not None and fail_on is not first.fail_on:
        raise UsageError(
            f"--fail-on {fail_on.value.lower()}: the shards judged their cases with --fail-on "
            f"{first.fail_on.value.lower()} (give the shards the --fail-on the merged run should have)"
        )
    caps = FindingCaps()
    cases = [caps.apply(case) for case in _joined_cases(ordered)]
    omitted: dict[str, int] = {}
    for counts in (*(shard.result.omitted_findings for shard in ordered), caps.by_check()):
        for check, count in counts.items():
            omitted[check] = omitted.get(check, 0) + count
    target = first.target
    if target.apis:
        profile = get_profile(target.profile)
        baselined, stale = apply_baseline(cases, baseline, lambda operation: judges(profile, target.apis, operation))
    else:
        baselined, stale = apply_baseline(cases, baseline, lambda _operation: True)
    return RunResult(
        suite_version=first.suite_version,
        target=target,
        plan=first.plan,
        started_at=min(shard.result.started_at for shard in ordered),
        finished_at=max(shard.result.finished_at for shard in ordered),
        cases=tuple(cases),
        baselined=baselined,
        stale=stale,
        allow_stale=allow_stale,
        fail_on=first.fail_on,
        omitted_findings=dict(sorted(omitted.items())),
    )
