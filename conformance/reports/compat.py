"""What replaying one release's recordings against another found, kept as data and summarised in Markdown.

:class:`ReplayObservations` is the part of a replay's :class:`RunResult` the compatibility docs need
(per interaction: its operation, status and differences), small enough to commit as JSON
(``docs/compat-replays/``), so the compatibility matrix can be rebuilt without a server. The
summary is a pure function of it and contains no timestamps.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from conformance.core.results import RunResult, Status
from conformance.diff.rules import RULES, Level
from conformance.runner.caps import omitted_note

__all__ = [
    "ObservedDifference",
    "ObservedInteraction",
    "ReplayObservations",
    "observe_replay",
    "render_compat_summary",
    "render_replay_sections",
]

_INDEX = re.compile(r"\[\d+\]")
_MAX_ROWS = 40


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ObservedDifference(_Frozen):
    rule: str
    level: str
    path: str
    message: str


class ObservedInteraction(_Frozen):
    scenario: str
    step: str
    operation: str | None
    """``METHOD /path`` as the recording sent it (ids as ``{id}``)."""
    status: Status
    error: str | None = None
    differences: tuple[ObservedDifference, ...] = ()
    omitted_differences: int = 0


class ReplayObservations(_Frozen):
    recordings: str
    """The profile whose recordings were replayed."""
    target_name: str
    """The server they were replayed against (``OGX 1.5.0``)."""
    strictness: str
    suite_version: str
    scenarios: dict[str, Status]
    """Each scenario's own verdict."""
    interactions: tuple[ObservedInteraction, ...]


def observe_replay(result: RunResult, *, strictness: str, target_name: str | None = None) -> ReplayObservations:
    """The replay cases of ``result`` as observations (other suites' cases are left out)."""
    scenarios: dict[str, Status] = {}
    interactions = []
    for case in result.cases:
        replay = case.replay
        if replay is None:
            continue
        if replay.step is None:
            scenarios[replay.scenario] = case.status
            continue
        differences = tuple(
            ObservedDifference(rule=d.rule, level=d.level, path=d.path, message=d.message) for d in replay.differences
        )
        interactions.append(
            ObservedInteraction(
                scenario=replay.scenario,
                step=replay.step,
                operation=case.operation,
                status=case.status,
                error=case.error,
                differences=differences,
                omitted_differences=replay.omitted_differences,
            )
        )
    return ReplayObservations(
        recordings=result.target.profile or "",
        target_name=target_name or result.target.label.split(" at ")[0],
        strictness=strictness,
        suite_version=result.suite_version,
        scenarios=scenarios,
        interactions=tuple(interactions),
    )


def _general(path: str) -> str:
    """``body.data[3].id`` -> ``body.data[].id``: the same field in every array item groups together."""
    return _INDEX.sub("[]", path)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _scenario_rows(observations: ReplayObservations) -> list[str]:
    rows = ["| scenario | interactions | breaking | additive | value-only | verdict |", "|---|---:|---:|---:|---:|---|"]
    per: dict[str, Counter[str]] = defaultdict(Counter)
    sizes: Counter[str] = Counter()
    for interaction in observations.interactions:
        sizes[interaction.scenario] += 1
        for difference in interaction.differences:
            per[interaction.scenario][difference.level] += 1
    for scenario in sizes:
        counts = per[scenario]
        status = observations.scenarios.get(scenario, Status.PASS)
        verdict = {Status.FAIL: "breaking", Status.ERROR: "error"}.get(status, "compatible")
        cells = [str(counts[level.value]) for level in Level]
        rows.append(f"| {scenario} | {sizes[scenario]} | {' | '.join(cells)} | {verdict} |")
    return rows


def _grouped(interactions: Iterable[ObservedInteraction], level: Level) -> list[str]:
    groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for interaction in interactions:
        for difference in interaction.differences:
            if difference.level == level.value:
                key = (difference.rule, _general(difference.path))
                groups[key].append((f"{interaction.scenario}/{interaction.step}", difference.message))
    if not groups:
        return [f"No {level.value} differences."]
    rows = ["| rule | where | times | first seen | example |", "|---|---|---:|---|---|"]
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    for (rule, path), seen in ordered[:_MAX_ROWS]:
        rows.append(f"| `{rule}` | `{_cell(path)}` | {len(seen)} | {seen[0][0]} | {_cell(seen[0][1])[:160]} |")
    if len(ordered) > _MAX_ROWS:
        rows.append(f"\n… and {len(ordered) - _MAX_ROWS} more groups (see report.json).")
    return rows


def render_replay_sections(observations: ReplayObservations, *, heading: str = "##") -> list[str]:
    """The verdict per scenario and the differences grouped by rule and field, as Markdown lines."""
    lines = [f"{heading} Verdict per scenario", "", *_scenario_rows(observations), ""]
    omitted = sum(i.omitted_differences for i in observations.interactions)
    if note := omitted_note(omitted, differences=True):
        lines += [f"{note}: neither the table above nor the groups below count them.", ""]
    errors = [i for i in observations.interactions if i.status is Status.ERROR]
    if errors:
        lines += [f"{len(errors)} interactions could not be judged (harness errors): {errors[0].error}", ""]
    for level in Level:
        lines += [
            f"{heading} {level.value.capitalize()} differences",
            "",
            *_grouped(observations.interactions, level),
            "",
        ]
    return lines


def diff_rule_table() -> list[str]:
    lines = ["| rule | level | meaning |", "|---|---|---|"]
    return lines + [f"| `{rule.id}` | {rule.level.value} | {rule.description} |" for rule in RULES]


def render_compat_summary(
    result: RunResult, *, title: str, recordings: str, strictness: str, target_name: str | None = None
) -> str:
    """One replay's summary (``conformance replay --compat-summary``)."""
    observations = observe_replay(result, strictness=strictness, target_name=target_name)
    lines = [
        f"# {title}",
        "",
        f"Recordings of **{recordings}** replayed against **{observations.target_name}** "
        f"(profile `{result.target.profile}`), strictness `{strictness}`, suite {result.suite_version}.",
        "The rule ids are described in [replay.md](replay.md).",
        "",
        *render_replay_sections(observations),
        "## Rules",
        "",
        *diff_rule_table(),
    ]
    return "\n".join(lines) + "\n"
