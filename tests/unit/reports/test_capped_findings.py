"""Every report of a run that found far too much stays small and says what it left out."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

from conformance.reports import render_compat_summary, render_terminal_summary, write_reports
from conformance.runner.caps import FINDINGS_PER_CASE, omitted_note
from tests.fakes.flood import FLOOD, FLOOD_CASE, FLOOD_OP, REPEATED, REPEATED_OP, run_flood

_MB = 1_000_000
_FLOOD_LOST = FLOOD_CASE - FINDINGS_PER_CASE


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_reports(run_flood(), tmp_path_factory.mktemp("reports"))


def test_every_report_stays_under_a_megabyte(reports: dict[str, Path]) -> None:
    assert {kind: path.stat().st_size < _MB for kind, path in reports.items()} == dict.fromkeys(reports, True)


def test_report_json_carries_the_counts(reports: dict[str, Path]) -> None:
    report = json.loads(reports["json"].read_text())
    lost = report["omitted_findings"]
    assert lost[FLOOD] == _FLOOD_LOST
    assert report["summary"]["omitted_findings"] == sum(lost.values())
    flood = report["cases"][0]
    assert (flood["status"], flood["omitted_findings"], len(flood["findings"])) == ("fail", _FLOOD_LOST, 50)
    assert flood["replay"]["omitted_differences"] == _FLOOD_LOST
    assert report["summary"]["verdict"] == "failures"


def test_summary_md_and_report_html_say_how_many_were_left_out(reports: dict[str, Path]) -> None:
    total = json.loads(reports["json"].read_text())["summary"]["omitted_findings"]
    assert omitted_note(total) in reports["markdown"].read_text()
    html = reports["html"].read_text()
    assert omitted_note(total) in html  # the run's
    assert omitted_note(_FLOOD_LOST) in html  # the flooded case's own
    assert "more findings not shown (cap 50 per case" in omitted_note(total)


def test_junit_says_it_in_the_capped_case(reports: dict[str, Path]) -> None:
    root = ET.parse(reports["junit"]).getroot()
    flood = next(c for c in root.iter("testcase") if c.get("name") == "flood/one-case")
    failure = flood.find("failure")
    assert failure is not None
    assert (failure.text or "").endswith(omitted_note(_FLOOD_LOST))


def test_the_terminal_summary_says_it() -> None:
    result = run_flood(baseline=((FLOOD, FLOOD_OP), (REPEATED, REPEATED_OP)))
    console = Console(record=True, width=200, color_system=None)
    console.print(render_terminal_summary(result))
    text = console.export_text()
    assert text.startswith("conformant")  # every kept key is baselined, so nothing omitted is unexpected
    assert omitted_note(sum(result.omitted_findings.values())) in text


def test_the_compat_summary_says_how_many_differences_it_does_not_count() -> None:
    text = render_compat_summary(run_flood(), title="t", recordings="r", strictness="schema")
    assert omitted_note(_FLOOD_LOST, differences=True) in text
