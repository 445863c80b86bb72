"""The compatibility matrix: its cells, and the committed docs kept in step with the committed specs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from conformance.core.results import Status
from conformance.reports.compat import ObservedDifference, ObservedInteraction, ReplayObservations
from conformance.reports.compat_matrix import Cell, PairInput, build_pair, compat_outputs
from conformance.spec.loader import load_spec
from conformance.specdiff import spec_changes
from conformance.specdiff.render import render_rule_table

DOCS = Path(__file__).resolve().parents[3] / "docs"


def _spec(**paths: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}


def _get(**schema: Any) -> dict[str, Any]:
    content = {"application/json": {"schema": {"type": "object", **schema}}}
    return {"get": {"responses": {"200": {"description": "ok", "content": content}}}}


def _observed(*interactions: tuple[str, str]) -> ReplayObservations:
    """(operation, difference level or '') per interaction."""
    items = []
    for operation, level in interactions:
        differences = (
            (ObservedDifference(rule="field-missing", level=level, path="body.x", message="m"),) if level else ()
        )
        status = Status.FAIL if level == "breaking" else Status.PASS
        items.append(
            ObservedInteraction(scenario="s", step="a", operation=operation, status=status, differences=differences)
        )
    return ReplayObservations(
        recordings="old",
        target_name="New",
        strictness="schema",
        suite_version="0",
        scenarios={},
        interactions=tuple(items),
    )


def test_each_cell() -> None:
    x = {"properties": {"x": {"type": "string"}}}
    old = _spec(**{"/both": _get(**x), "/spec": _get(**x), "/behaviour": _get(**x), "/added": _get(), "/same": _get()})
    new = _spec(**{"/both": _get(), "/spec": _get(), "/behaviour": _get(**x), "/added": _get(**x), "/same": _get()})
    observations = _observed(("GET /both", "breaking"), ("GET /behaviour", "breaking"), ("GET /same", ""))
    matrix = build_pair(PairInput("old", "new", old, new, observations))
    cells = {row.operation: row.cell for row in matrix.rows}
    assert cells == {
        "GET /both": Cell.BREAKING_BOTH,
        "GET /spec": Cell.BREAKING_SPEC,
        "GET /behaviour": Cell.BREAKING_BEHAVIOUR,
        "GET /added": Cell.ADDITIVE,
        "GET /same": Cell.UNCHANGED,
    }


def test_committed_matrix_is_not_stale() -> None:
    """Rebuilt from the committed specs and docs/compat-replays/: regenerate with `conformance compat`."""
    for path, text in compat_outputs(DOCS).items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run `conformance compat`"


def test_committed_matrix_names_the_behaviour_only_cells() -> None:
    text = (DOCS / "compat-matrix.md").read_text(encoding="utf-8")
    assert "## Spec unchanged, behaviour broke" in text


def test_rule_doc_is_generated_from_the_table() -> None:
    assert (DOCS / "spec-diff.md").read_text(encoding="utf-8") == render_rule_table()


def test_spec_diff_of_the_real_specs_is_fast_and_deterministic() -> None:
    old, new = load_spec("llama-stack-0.7"), load_spec("ogx-1.5")
    start = time.perf_counter()
    first = spec_changes(old, new)
    assert time.perf_counter() - start < 5
    assert first == spec_changes(old, new)
