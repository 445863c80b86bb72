"""The compatibility matrix: for each release and its successor, what the specs say (spec-diff) joined
with what the servers did (the predecessor's recordings replayed against the successor), per operation.

Each operation gets one cell:

* ``breaking-both`` — the spec has an ERR change and the replay broke;
* ``breaking-spec`` — the spec has an ERR change, the replay did not break (or did not call it);
* ``breaking-behaviour`` — the spec has no ERR change (none at all, or only WARN/INFO ones), yet the
  replay broke: the contract promised compatibility and the server did not keep it;
* ``additive`` — WARN/INFO spec changes or additive replay differences, nothing breaking;
* ``unchanged`` — neither.

A pure function of the two specs and the committed :class:`ReplayObservations`, so it is rebuilt
(and checked for staleness) without a server.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from conformance.core.errors import UsageError
from conformance.core.results import Status
from conformance.reports.compat import ReplayObservations, diff_rule_table, render_replay_sections
from conformance.spec.operations import iter_operations, match_operation
from conformance.specdiff import Change, Level, spec_changes

__all__ = [
    "Cell",
    "MatrixRow",
    "PairInput",
    "PairMatrix",
    "build_pair",
    "compat_outputs",
    "read_observations",
    "render_matrix_json",
    "render_matrix_markdown",
    "render_observations",
    "replay_file",
]


class Cell(StrEnum):
    BREAKING_BOTH = "breaking-both"
    BREAKING_SPEC = "breaking-spec"
    BREAKING_BEHAVIOUR = "breaking-behaviour"
    ADDITIVE = "additive"
    UNCHANGED = "unchanged"

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]


_MEANINGS = {
    Cell.BREAKING_BOTH: "breaking in the spec and in behaviour",
    Cell.BREAKING_SPEC: "breaking in the spec only",
    Cell.BREAKING_BEHAVIOUR: "spec unchanged (no breaking change), but behaviour broke",
    Cell.ADDITIVE: "additive (non-breaking spec changes or additive behaviour)",
    Cell.UNCHANGED: "unchanged",
}
_BEHAVIOUR_ORDER = ("error", "breaking", "additive", "value-only", "identical")


@dataclass(frozen=True, slots=True)
class PairInput:
    old: str
    new: str
    old_spec: Mapping[str, Any]
    new_spec: Mapping[str, Any]
    observations: ReplayObservations | None


@dataclass(frozen=True, slots=True)
class MatrixRow:
    operation: str
    cell: Cell
    spec: dict[str, int]
    """Changes per level (ERR, WARN, INFO)."""
    spec_errors: tuple[str, ...]
    """The ERR changes' messages (``rule: message``)."""
    behaviour: str
    """The worst replay verdict: error, breaking, additive, value-only, identical; ``not replayed``."""
    interactions: int
    behaviour_breaking: tuple[str, ...]
    """The breaking replay differences (``rule at path``), one each."""


@dataclass(frozen=True, slots=True)
class PairMatrix:
    old: str
    new: str
    target_name: str | None
    rows: tuple[MatrixRow, ...]
    unchanged_not_replayed: int
    """Operations of the old spec with no spec change that the replay did not call (not listed)."""

    def counts(self) -> Counter[str]:
        counts = Counter(row.cell.value for row in self.rows)
        counts[Cell.UNCHANGED.value] += self.unchanged_not_replayed
        return counts


def _behaviour(pair: PairInput) -> dict[str, tuple[str, int, list[str]]]:
    """Per old-spec operation: (worst verdict, interactions, breaking differences)."""
    per: dict[str, list[str]] = defaultdict(list)
    breaking: dict[str, list[str]] = defaultdict(list)
    if pair.observations is None:
        return {}
    for interaction in pair.observations.interactions:
        if interaction.operation is None:
            continue
        method, _, path = interaction.operation.partition(" ")
        matched = match_operation(pair.old_spec, method, path)
        label = matched.label if matched is not None else interaction.operation
        levels = {d.level for d in interaction.differences}
        if interaction.status is Status.ERROR:
            verdict = "error"
        else:
            verdict = next((v for v in _BEHAVIOUR_ORDER[1:4] if v in levels), "identical")
        per[label].append(verdict)
        breaking[label] += [f"{d.rule} at {d.path}" for d in interaction.differences if d.level == "breaking"]
    return {
        label: (min(verdicts, key=_BEHAVIOUR_ORDER.index), len(verdicts), sorted(set(breaking[label])))
        for label, verdicts in per.items()
    }


def _cell(spec: Counter[str], behaviour: str) -> Cell:
    spec_breaking, behaviour_breaking = spec[Level.ERR.value] > 0, behaviour == "breaking"
    if spec_breaking:
        return Cell.BREAKING_BOTH if behaviour_breaking else Cell.BREAKING_SPEC
    if behaviour_breaking:
        return Cell.BREAKING_BEHAVIOUR
    if sum(spec.values()) or behaviour == "additive":
        return Cell.ADDITIVE
    return Cell.UNCHANGED


def build_pair(pair: PairInput, changes: Sequence[Change] | None = None) -> PairMatrix:
    changes = spec_changes(pair.old_spec, pair.new_spec) if changes is None else changes
    by_operation: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_operation[change.operation].append(change)
    behaviour = _behaviour(pair)
    rows = []
    for operation in sorted(set(by_operation) | set(behaviour)):
        spec = Counter(c.level.value for c in by_operation.get(operation, []))
        verdict, interactions, broke = behaviour.get(operation, ("not replayed", 0, []))
        errors = tuple(
            sorted({f"{c.rule}: {c.message}" for c in by_operation.get(operation, []) if c.level is Level.ERR})
        )
        rows.append(
            MatrixRow(
                operation=operation,
                cell=_cell(spec, verdict),
                spec={level.value: spec[level.value] for level in Level},
                spec_errors=errors,
                behaviour=verdict,
                interactions=interactions,
                behaviour_breaking=tuple(broke),
            )
        )
    listed = {row.operation for row in rows}
    quiet = sum(1 for op in iter_operations(pair.old_spec) if op.label not in listed)
    target = pair.observations.target_name if pair.observations else None
    return PairMatrix(pair.old, pair.new, target, tuple(rows), quiet)


def render_matrix_json(matrices: Sequence[PairMatrix]) -> str:
    document = [
        {
            "old": m.old,
            "new": m.new,
            "replayed_against": m.target_name,
            "counts": {cell.value: m.counts()[cell.value] for cell in Cell},
            "unchanged_not_replayed": m.unchanged_not_replayed,
            "operations": [
                {
                    "operation": r.operation,
                    "cell": r.cell.value,
                    "spec": r.spec,
                    "spec_errors": list(r.spec_errors),
                    "behaviour": r.behaviour,
                    "interactions": r.interactions,
                    "behaviour_breaking": list(r.behaviour_breaking),
                }
                for r in m.rows
            ],
        }
        for m in matrices
    ]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _first(items: Sequence[str], limit: int = 2) -> str:
    shown = "; ".join(_md(i)[:140] for i in items[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")


def _pair_section(matrix: PairMatrix, observations: ReplayObservations | None) -> list[str]:
    counts = matrix.counts()
    against = f"replayed against **{matrix.target_name}**" if matrix.target_name else "not replayed"
    lines = [
        f"## {matrix.old} → {matrix.new}",
        "",
        f"`conformance spec-diff {matrix.old} {matrix.new}`, and the {matrix.old} recordings {against}.",
        "",
        "| cell | operations |",
        "|---|---:|",
        *(f"| {cell.meaning} | {counts[cell.value]} |" for cell in Cell),
        "",
        f"Operations with a spec change or a replayed interaction ({matrix.unchanged_not_replayed} others are "
        "unchanged and not replayed):",
        "",
        "| operation | cell | spec ERR / WARN / INFO | behaviour (interactions) | why |",
        "|---|---|---|---|---|",
    ]
    order = list(Cell)
    for row in sorted(matrix.rows, key=lambda r: (order.index(r.cell), r.operation)):
        spec = " / ".join(str(row.spec[level.value]) for level in Level)
        behaviour = f"{row.behaviour} ({row.interactions})" if row.interactions else row.behaviour
        why = _first(row.behaviour_breaking) if row.behaviour_breaking else _first(row.spec_errors)
        lines.append(f"| `{_md(row.operation)}` | {row.cell.value} | {spec} | {behaviour} | {why} |")
    lines.append("")
    if observations is not None:
        lines += [f"### Replay of {matrix.old} recordings against {observations.target_name}", ""]
        lines += [f"Strictness `{observations.strictness}`, suite {observations.suite_version}.", ""]
        lines += render_replay_sections(observations, heading="####")
    return lines


def render_matrix_markdown(matrices: Sequence[PairMatrix], observations: Mapping[str, ReplayObservations]) -> str:
    """``docs/compat-matrix.md``: the summary of "spec unchanged, behaviour broke" cells first, then each pair."""
    lines = [
        "# Compatibility matrix",
        "",
        "For each release and its successor: the spec changes (`conformance spec-diff`, rules in",
        "[spec-diff.md](spec-diff.md)) joined per operation with what replaying the older release's",
        "recordings against the newer reference server found (rules in [replay.md](replay.md)).",
        "Generated by `conformance compat` (`nox -s compat` replays first); a unit test fails when it is stale.",
        "",
        "A cell is breaking in the spec when spec-diff reports an ERR change for the operation;",
        "breaking in behaviour when a replayed interaction had a breaking difference.",
        "",
        "## Spec unchanged, behaviour broke",
        "",
    ]
    cells = [(m, r) for m in matrices for r in m.rows if r.cell is Cell.BREAKING_BEHAVIOUR]
    if not cells:
        lines += ["None: every breaking difference the replays show is also an ERR change in the spec.", ""]
    else:
        lines += ["| pair | operation | spec WARN / INFO changes | breaking differences |", "|---|---|---|---|"]
        for matrix, row in cells:
            spec = f"{row.spec['WARN']} / {row.spec['INFO']}"
            broke = _first(row.behaviour_breaking, 4)
            lines.append(f"| {matrix.old} → {matrix.new} | `{_md(row.operation)}` | {spec} | {broke} |")
        lines.append("")
    for matrix in matrices:
        lines += _pair_section(matrix, observations.get(matrix.new))
    lines += ["## Replay rules", "", *diff_rule_table()]
    return "\n".join(lines) + "\n"


REPLAYS_DIR = "compat-replays"
"""Under docs/: one committed :class:`ReplayObservations` JSON per pair, ``<old>-vs-<new>.json``."""


def replay_file(docs: Path, old: str, new: str) -> Path:
    return docs / REPLAYS_DIR / f"{old}-vs-{new}.json"


def read_observations(path: Path) -> ReplayObservations | None:
    if not path.is_file():
        return None
    try:
        return ReplayObservations.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise UsageError(f"replay observations {path}: not what `conformance compat` writes ({exc})") from None


def render_observations(observations: ReplayObservations) -> str:
    return observations.model_dump_json(indent=1) + "\n"


def compat_outputs(docs: Path) -> dict[Path, str]:
    """``compat-matrix.md`` and ``compat-matrix.json`` under ``docs``, from the built-in profiles' committed
    specs and the committed replay observations: what `conformance compat` writes and the test compares."""
    from conformance.core.profiles import PROFILES
    from conformance.spec.loader import load_spec

    matrices, observed = [], {}
    for profile in PROFILES.values():
        if profile.previous is None:
            continue
        observations = read_observations(replay_file(docs, profile.previous, profile.id))
        if observations is not None:
            observed[profile.id] = observations
        pair = PairInput(profile.previous, profile.id, load_spec(profile.previous), load_spec(profile.id), observations)
        matrices.append(build_pair(pair))
    return {
        docs / "compat-matrix.md": render_matrix_markdown(matrices, observed),
        docs / "compat-matrix.json": render_matrix_json(matrices),
    }
