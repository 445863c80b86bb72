from __future__ import annotations

from conformance.cli._console import err_console
from conformance.cli._judge import CaseReporter
from conformance.core.results import CaseResult, Finding, Severity, Status


def _failing(check: str) -> CaseResult:
    finding = Finding(check_id=check, severity=Severity.MUST, operation="GET /v1/x", message=f"{check} broke")
    return CaseResult(id=f"suite/{check}", suite="suite", operation="GET /v1/x", status=Status.FAIL,
                      findings=(finding,))  # fmt: skip


def _printed(reporter: CaseReporter, *cases: CaseResult) -> str:
    with err_console.capture() as capture:
        for case in cases:
            reporter(case)
    return capture.get()


def test_unexpected_failures_print_and_known_ones_stay_quiet() -> None:
    reporter = CaseReporter(verbose=False, known=frozenset({("old-bug", "GET /v1/x")}))
    passing = CaseResult(id="suite/fine", suite="suite", status=Status.PASS)
    text = _printed(reporter, _failing("old-bug"), _failing("new-bug"), passing)
    assert "new-bug broke" in text
    assert "old-bug" not in text
    assert "suite/fine" not in text


def test_verbose_prints_everything_and_labels_known_failures() -> None:
    reporter = CaseReporter(verbose=True, known=frozenset({("old-bug", "GET /v1/x")}))
    text = _printed(reporter, _failing("old-bug"), CaseResult(id="suite/fine", suite="suite", status=Status.PASS))
    assert "known suite/old-bug" in " ".join(text.split())
    assert "pass suite/fine" in " ".join(text.split())
