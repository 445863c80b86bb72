"""conformance/reports/terminal.py: the CLI's closing lines."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from conformance.reports import render_terminal_summary
from conformance.reports.terminal import TOP_FINDINGS
from tests.fakes.results import sample_result


def _text(*args: object) -> str:
    console = Console(record=True, width=120, color_system=None)
    console.print(render_terminal_summary(*args))  # type: ignore[arg-type]
    return console.export_text()


def test_short_summary_with_target_counts_findings_and_paths() -> None:
    text = _text(sample_result(extra_failures=TOP_FINDINGS + 2), Path("out"))
    assert text.startswith("could not judge (harness error): OGX 1.5.0 at http://fake.test (profile ogx-1.5), exit 3")
    assert "8 fail  1 known  1 warn  2 pass" in text
    assert text.count("  ✗ ") == TOP_FINDINGS
    assert "... and 3 more" in text
    assert "1 stale baseline entries" in text
    assert "reports: out/report.html" in text


def test_without_a_directory_no_paths_are_claimed() -> None:
    assert "reports:" not in _text(sample_result())
