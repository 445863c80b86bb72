from __future__ import annotations

import io

from rich.console import Console

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


def _terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=160, color_system=None), out


def _rendered(reporter: CaseReporter) -> str:
    """The live display as a terminal shows it at this moment."""
    assert reporter._display is not None
    recording = Console(record=True, width=200, file=io.StringIO(), color_system=None)
    recording.print(reporter._display.get_renderable())
    return " ".join(recording.export_text().split())


def test_a_progress_bar_per_suite_names_what_it_judges_and_the_counts() -> None:
    console, _ = _terminal()
    with CaseReporter(verbose=False, console=console) as reporter:
        assert "probing the target" in _rendered(reporter)
        reporter.suite_started("property")
        reporter.units(3, 10)
        reporter.working_on("POST /v1/responses (coverage phase)")
        reporter(CaseResult(id="property/x", suite="property", status=Status.PASS))
        reporter(CaseResult(id="property/y", suite="property", status=Status.ERROR, error="boom"))
        shown = _rendered(reporter)
        assert "probing the target" not in shown
        assert "property" in shown
        assert "3/10" in shown
        assert "POST /v1/responses (coverage phase)" in shown
        assert "1 pass, 1 error" in shown
        assert reporter._display.live.auto_refresh  # redrawn on its own, so the seconds count while a case runs
        assert reporter._display.live.refresh_per_second >= 1


def test_a_finished_suite_leaves_its_line_and_its_bar_goes() -> None:
    console, out = _terminal()
    with CaseReporter(verbose=False, console=console) as reporter:
        reporter.suite_started("smoke")
        reporter.units(1, 1)
        reporter(_failing("new-bug"))
        reporter.suite_finished("smoke", 0.5)
        assert "smoke" not in _rendered(reporter)  # no bar between suites
        reporter.suite_started("replay")
        reporter.working_on("replay/models-list")
        shown = _rendered(reporter)
        assert "replay/models-list" in shown
        assert "new-bug" not in shown  # the counts start afresh with each suite
        assert "pass" not in shown
    printed = out.getvalue()
    assert "smoke: 1 fail in 0.5s" in printed
    assert "fail suite/new-bug" in " ".join(printed.split())
    assert reporter._display is None


def test_a_long_operation_is_cut_to_the_bar_width() -> None:
    console, _ = _terminal()
    with CaseReporter(verbose=False, console=console) as reporter:
        reporter.suite_started("property")
        reporter.working_on("GET /v1/" + "x" * 200)
        assert "x" * 80 not in _rendered(reporter)
        assert "\u2026" in _rendered(reporter)


def test_without_a_terminal_one_line_per_suite_and_no_escapes() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=160)
    with CaseReporter(verbose=False, console=console) as reporter:
        assert reporter._display is None
        for suite in ("smoke", "replay"):
            reporter.suite_started(suite)
            reporter.units(0, 2)
            reporter.working_on(f"{suite}/a")
            reporter(CaseResult(id=f"{suite}/a", suite=suite, status=Status.PASS))
            reporter.suite_finished(suite, 1.0)
    assert out.getvalue().splitlines() == ["smoke: 1 pass in 1.0s", "replay: 1 pass in 1.0s"]


def test_no_progress_on_a_terminal_prints_the_lines_only() -> None:
    console, out = _terminal()
    with CaseReporter(verbose=False, console=console, live=False) as reporter:
        assert reporter._display is None
        reporter.suite_started("smoke")
        reporter(CaseResult(id="smoke/a", suite="smoke", status=Status.PASS))
        reporter.suite_finished("smoke", 1.0)
    assert out.getvalue().splitlines() == ["smoke: 1 pass in 1.0s"]
