"""Reports: pure functions of a :class:`~conformance.core.results.RunResult`.

``write_reports(result, directory)`` writes ``report.json``, ``junit.xml``, ``summary.md`` and
``report.html``; ``read_report(directory)`` reads a report.json back into its run (``report merge``);
``render_terminal_summary`` is what the CLI prints; ``render_compat_summary`` is the Markdown of a
replay of one release's recordings against another (``--compat-summary``); ``compat_matrix`` joins
such replays with spec-diff into ``docs/compat-matrix.md``. Formats are described in
``docs/reports.md``.
"""

from __future__ import annotations

from pathlib import Path

from conformance.core.errors import UsageError
from conformance.core.results import RunResult
from conformance.reports.compat import render_compat_summary
from conformance.reports.html import render_html
from conformance.reports.json_report import REPORT_JSON, read_report, render_json, report_schema
from conformance.reports.junit import render_junit
from conformance.reports.markdown import render_markdown
from conformance.reports.model import Report, ReportSummary, build_report, summarize
from conformance.reports.terminal import render_terminal_summary

__all__ = [
    "REPORT_FILES",
    "Report",
    "ReportSummary",
    "build_report",
    "read_report",
    "render_compat_summary",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_terminal_summary",
    "report_schema",
    "summarize",
    "write_reports",
]

REPORT_FILES = {
    "json": (REPORT_JSON, render_json),
    "junit": ("junit.xml", render_junit),
    "markdown": ("summary.md", render_markdown),
    "html": ("report.html", render_html),
}
"""Report kind -> (file name, renderer)."""


def write_reports(result: RunResult, directory: Path) -> dict[str, Path]:
    """Write every report into ``directory`` (created if needed); returns kind -> path."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--report-dir {directory}: cannot create it ({exc.strerror or exc})") from None
    written = {}
    for kind, (name, render) in REPORT_FILES.items():
        path = directory / name
        try:
            path.write_text(render(result), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--report-dir {directory}: cannot write {name} ({exc.strerror or exc})") from None
        written[kind] = path
    return written
