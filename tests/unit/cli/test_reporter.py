from __future__ import annotations

from conformance.cli._console import err_console
from conformance.cli._reporter import CaseReporter
from conformance.core.results import CaseResult, Finding, ReplayDetails, Severity, Status


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


def _passing(case_id: str, *findings: Finding) -> CaseResult:
    return CaseResult(id=case_id, suite="suite", status=Status.PASS, findings=findings, duration_s=0.1)


def _warning(check: str) -> Finding:
    return Finding(check_id=check, severity=Severity.MAY, operation="GET /v1/x", message=f"{check} noted")


def _suite(reporter: CaseReporter, *cases: CaseResult) -> str:
    with err_console.capture() as capture:
        reporter.suite_started("suite")
        for case in cases:
            reporter(case)
        reporter.suite_finished("suite", 2.5)
    return " ".join(capture.get().split())


def test_quiet_by_default_passing_lines_hidden_warnings_counted_by_check() -> None:
    reporter = CaseReporter(verbose=False, fail_on=Severity.SHOULD, live=False)
    replayed = _passing("replay/models-list").model_copy(
        update={"replay": ReplayDetails(scenario="models-list", verdict="3 interactions: 0 breaking")}
    )
    text = _suite(
        reporter, replayed, _passing("suite/a", _warning("odd-header")), _passing("suite/b", _warning("odd-header")),
        _passing("suite/c", _warning("extra-field")), _failing("new-bug"),
    )  # fmt: skip
    assert "replay/models-list" not in text  # a passing replay verdict is a passing line: -v only
    assert "suite/a" not in text
    assert "fail suite/new-bug new-bug broke" in text
    assert "warn odd-header \u00d72" in text
    assert "warn extra-field \u00d71" in text
    assert "suite: 4 pass, 1 fail, 3 warnings in 2.5s" in text


def test_verbose_prints_passing_lines_too() -> None:
    reporter = CaseReporter(verbose=True, live=False)
    text = _suite(reporter, _passing("suite/a", _warning("odd-header")))
    assert "pass suite/a" in text
    assert "warn odd-header \u00d71" in text


def test_off_a_terminal_there_is_no_live_display() -> None:
    assert not err_console.is_terminal  # pytest captures the output
    reporter = CaseReporter(verbose=False, live=True)
    with reporter:
        assert reporter._display is None


def test_the_live_line_names_the_suite_what_it_judges_and_the_counts() -> None:
    reporter = CaseReporter(verbose=False, live=False)
    assert reporter.status_text() == "probing the target"
    reporter.suite_started("property")
    reporter.working_on("POST /v1/responses (coverage phase)")
    reporter(CaseResult(id="property/x", suite="property", status=Status.PASS))
    reporter(CaseResult(id="property/y", suite="property", status=Status.ERROR, error="boom"))
    text = reporter.status_text()
    assert "property" in text
    assert "POST /v1/responses (coverage phase)" in text
    assert "1 pass, 1 error" in text
