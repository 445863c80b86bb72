"""conformance/reports/model.py: the summary and labels every report shares."""

from __future__ import annotations

from conformance.core.results import CaseResult, Status
from conformance.reports.model import CaseLabel, case_label, column_of, summarize
from tests.fakes.results import sample_result


def test_labels_refine_status_by_baseline_and_severity() -> None:
    result = sample_result()
    labels = {case.id: case_label(result, case) for case in result.cases}
    assert labels["checks/models/unexpected"] is CaseLabel.FAIL
    assert labels["checks/models/known"] is CaseLabel.KNOWN
    assert labels["checks/models/warn"] is CaseLabel.WARN
    assert labels["checks/responses/skipped"] is CaseLabel.SKIP
    assert labels["checks/agents/off"] is CaseLabel.DISABLED


def test_summary_counts_and_lists_what_needs_attention() -> None:
    summary = summarize(sample_result())
    assert summary.verdict == "harness-error"
    assert summary.exit_code == 3
    assert summary.total == 8
    assert summary.counts[Status.FAIL] == 2
    assert summary.labels[CaseLabel.FAIL] == 1
    assert summary.labels[CaseLabel.KNOWN] == 1
    assert [f.check_id for f in summary.unexpected_findings] == ["unexpected-check"]
    assert summary.baselined_findings == 1
    assert summary.warnings == 1
    assert [(k.check, k.operation) for k in summary.stale] == [("gone-check", "GET /v1/gone")]
    assert [e.suite for e in summary.harness_errors] == ["replay"]


def test_verdicts_follow_the_exit_code() -> None:
    result = sample_result(stale=False)
    without_errors = result.model_copy(update={"cases": tuple(c for c in result.cases if c.status is not Status.ERROR)})
    assert summarize(without_errors).verdict == "failures"
    passing = result.model_copy(update={"cases": (CaseResult(id="a/b", suite="a", status=Status.PASS),)})
    assert summarize(passing).verdict == "conformant"


def test_matrix_columns_are_check_ids_or_the_suite() -> None:
    assert column_of(CaseResult(id="a/b", suite="smoke", status=Status.PASS)) == "smoke"
    assert column_of(CaseResult(id="a/b", suite="s", status=Status.PASS, check_id="c-id")) == "c-id"
