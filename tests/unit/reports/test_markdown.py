"""conformance/reports/markdown.py: summary.md for CI step summaries."""

from __future__ import annotations

from conformance.core.results import CaseResult, Status
from conformance.reports import render_markdown
from conformance.reports.markdown import MAX_ROWS
from tests.fakes.results import sample_result


def test_verdict_line_names_server_version_and_profile() -> None:
    first = render_markdown(sample_result()).splitlines()[0]
    assert first == "## ⚠️ Could not judge (harness error): ogx 1.5.0 (profile `ogx-1.5`)"


def test_sections_list_what_needs_attention_and_escape_run_data() -> None:
    text = render_markdown(sample_result())
    assert "| error | fail | known | warn | pass | skip | disabled | total |" in text
    assert "| 1 | 1 | 1 | 1 | 2 | 1 | 1 | 8 |" in text
    assert "### Unexpected findings (1)" in text
    assert "| `unexpected-check` | MUST | `GET /v1/models/{model_id}` | broken &lt;script&gt;" in text
    assert "\\| `tick`" in text
    assert "<script>" not in text
    assert "### Stale baseline entries (1)" in text
    assert "### Harness errors (1)" in text
    assert "known-check" not in text  # baselined: only counted, never listed


def test_long_tables_are_capped() -> None:
    text = render_markdown(sample_result(extra_failures=MAX_ROWS + 5))
    rows = [line for line in text.splitlines() if line.startswith("| `") and "MUST" in line]
    assert len(rows) == MAX_ROWS
    assert f"... and {6} more" in text


def test_a_conformant_run_is_two_short_blocks() -> None:
    result = sample_result(stale=False).model_copy(
        update={"cases": (CaseResult(id="a/b", suite="a", status=Status.PASS),), "baselined": ()}
    )
    text = render_markdown(result)
    assert text.startswith("## ✅ Conformant: ogx 1.5.0")
    assert "###" not in text
    assert len(text.splitlines()) < 10
