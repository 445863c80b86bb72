"""The compatibility summary: a verdict per scenario and differences grouped by rule and field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from conformance.core.results import CaseResult, ReplayDetails, ReplayDifference, RunResult, Status, Target
from conformance.reports.compat import render_compat_summary


def _case(case_id: str, status: Status, **replay: Any) -> CaseResult:
    return CaseResult(id=case_id, suite="replay", status=status, replay=ReplayDetails(**replay))


def _result() -> RunResult:
    moment = datetime(2026, 11, 22, tzinfo=UTC)
    missing = ReplayDifference(rule="field-missing", level="breaking", path="x[0].y", message="gone")
    added = ReplayDifference(rule="field-added", level="additive", path="body.skills", message="body.skills is new")
    cases = (
        _case("replay/a/01-create", Status.FAIL, scenario="a", step="create", differences=[missing]),
        _case(
            "replay/a/02-list",
            Status.FAIL,
            scenario="a",
            step="list",
            differences=[missing.model_copy(update={"path": "x[3].y"})],
        ),
        _case("replay/a", Status.FAIL, scenario="a", verdict="2 interactions"),
        _case("replay/b/01-get", Status.PASS, scenario="b", step="get", differences=[added]),
        _case("replay/b", Status.PASS, scenario="b", verdict="1 interactions"),
    )
    target = Target(base_url="http://127.0.0.1:1", profile="llama-stack-0.7", server="ogx", version="1.5.0")
    return RunResult(suite_version="0.1.0", target=target, started_at=moment, finished_at=moment, cases=cases)


def test_summary_has_a_verdict_per_scenario_and_groups_array_items() -> None:
    text = render_compat_summary(_result(), title="T", recordings="llama-stack-0.7", strictness="schema")
    assert "| a | 2 | 2 | 0 | 0 | breaking |" in text
    assert "| b | 1 | 0 | 1 | 0 | compatible |" in text
    assert "| `field-missing` | `x[].y` | 2 | a/create | gone |" in text
    assert "No value-only differences." in text
    assert "2026" not in text  # no timestamps: regenerating against the same servers changes nothing
