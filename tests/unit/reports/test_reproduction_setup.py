"""Reports say once, at the top, how to run the reproductions and how to start an embedded reference again."""

from __future__ import annotations

from rich.console import Console

from conformance.core.results import CaseResult, Finding, RunResult, Severity, Status, Target
from conformance.reports import render_terminal_summary
from conformance.reports.html import render_html
from conformance.reports.markdown import render_markdown
from conformance.reports.model import reproduction_setup, restart_command
from tests.fakes.results import sample_result

CURL = 'curl -sS -X GET -H "Authorization: Bearer $CONFORMANCE_API_KEY" "$CONFORMANCE_BASE_URL/v1/models"'


def _result(*, embedded: bool) -> RunResult:
    target = Target(
        base_url="http://127.0.0.1:43123", profile="ogx-1.5", server="ogx", version="1.5.0", embedded=embedded
    )
    finding = Finding(
        check_id="json-response-schema", severity=Severity.MUST, operation="GET /v1/models", message="m",
        reproduction=CURL,
    )  # fmt: skip
    case = CaseResult(id="smoke/models/schema", suite="smoke", operation="GET /v1/models", status=Status.FAIL,
                      findings=(finding,))  # fmt: skip
    base = sample_result()
    return base.model_copy(update={"target": target, "cases": (case,), "stale": (), "baselined": ()})


EXPORTS = [
    "export CONFORMANCE_BASE_URL=http://127.0.0.1:43123",
    "export CONFORMANCE_API_KEY='<your API key, as given with --api-key>'",
]
RESTART = "conformance reference start --server ogx==1.5.0 --port 43123"


def test_the_setup_lists_the_variables_the_reproductions_use() -> None:
    assert reproduction_setup(_result(embedded=False)) == EXPORTS


def test_an_embedded_run_says_how_to_start_the_same_reference_again() -> None:
    assert restart_command(_result(embedded=True).target) == RESTART
    assert restart_command(_result(embedded=False).target) is None


def test_summary_md_gives_the_exports_and_restart_once_at_the_top() -> None:
    markdown = render_markdown(_result(embedded=True))
    top = markdown.split("|", 1)[0]
    assert f"{RESTART}   # the embedded reference this run judged, on the same port" in top
    assert all(line in top for line in EXPORTS)
    assert markdown.count("export CONFORMANCE_BASE_URL") == 1
    assert RESTART not in render_markdown(_result(embedded=False))


def test_report_html_gives_the_exports_before_the_findings() -> None:
    page = render_html(_result(embedded=True))
    assert page.index("export CONFORMANCE_BASE_URL=http://127.0.0.1:43123") < page.index("Operations by check")
    assert RESTART in page


def test_the_terminal_summary_of_an_embedded_run_names_the_restart_command() -> None:
    console = Console(record=True, width=200)
    console.print(render_terminal_summary(_result(embedded=True)))
    assert f"to start the same reference again: {RESTART}" in console.export_text()
