"""report.html as a person sees it: rendered by headless Chromium, JavaScript included.

A test drives the page by appending a probe script to a copy of it: the probe acts (scrolls, clicks,
types) after the page's own script ran, then writes what it measured into ``<pre id="probe">`` as
JSON, which ``--dump-dom`` returns once the page's tasks are done (``--virtual-time-budget``).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conformance.core.results import CaseResult, RunResult, Severity, Status
from conformance.reports import write_reports
from tests.fakes.results import finding, sample_result

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on PATH (apt-get install chromium)"),
]


def _chromium(tmp_path: Path, *args: str, window: str = "1400,1600") -> str:
    assert CHROMIUM is not None
    profile = tmp_path / "chromium-profile"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--window-size={window}",
        "--virtual-time-budget=10000",  # let promises (the evidence's unpacking) settle before the dump
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _probe(page: Path, tmp_path: Path, script: str, *, window: str = "1400,1600") -> Any:
    """Run ``script`` (JavaScript with ``done(value)`` in scope) in a copy of ``page``; returns ``value``."""
    driven = tmp_path / "driven.html"
    probe = (
        "<pre id='probe'></pre><script>(function () {"
        "function done(value) { document.getElementById('probe').textContent = JSON.stringify(value); }"
        f"{script}}})();</script></body>"
    )
    driven.write_text(page.read_text(encoding="utf-8").replace("</body>", probe, 1), encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", driven.as_uri(), window=window)
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, "no probe in the page"
    assert found.group(1), "the probe wrote nothing (a script error?)"
    return json.loads(html.unescape(found.group(1)))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_reports(sample_result(), tmp_path_factory.mktemp("report"))["html"]


def _wide_result(operations: int = 40, checks: int = 30) -> RunResult:
    """More operations and checks than fit a small window: the ``property`` suite judges the first 20
    checks and ``streaming`` the rest; one operation fails a MUST and warns a MAY on ``streaming``."""
    cases = []
    for o in range(operations):
        operation = f"GET /v1/things{o:02d}/{{thing_id}}"
        for c in range(checks):
            check, suite = f"check-{c:02d}", "property" if c < 20 else "streaming"
            findings: tuple[Any, ...] = ()
            status = Status.PASS
            if (o, c) == (3, 25):
                findings, status = (finding(check, operation, Severity.MUST),), Status.FAIL
            elif (o, c) == (3, 26):
                findings = (finding(check, operation, Severity.MAY),)
            cases.append(
                CaseResult(
                    id=f"{suite}/{operation}/{check}",
                    suite=suite,
                    operation=operation,
                    status=status,
                    findings=findings,
                    check_id=check,
                )
            )
    return sample_result().model_copy(update={"cases": tuple(cases), "baselined": (), "stale": ()})


@pytest.fixture(scope="module")
def wide_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_reports(_wide_result(), tmp_path_factory.mktemp("wide"))["html"]


def test_the_rendered_page_shows_the_matrix_and_the_findings(report: Path, tmp_path: Path) -> None:
    dom = _probe(
        report,
        tmp_path,
        "window.conformanceReport.unpackAll().then(function () { done(document.documentElement.outerHTML); });",
    )
    assert "<h1>Conformance report: ogx 1.5.0</h1>" in dom
    assert 'title="unexpected-check on GET /v1/models/{model_id}: failed"' in dom
    assert "<h2>Operations by check</h2>" in dom
    assert "expected x, got y" in dom
    assert "broken &lt;script&gt;alert('x')&lt;/script&gt;" in dom
    assert "<script>alert('x')</script>" not in dom  # escaped text, never a live element
    # The evidence, unpacked in the browser: the curl command and the hostile body, still escaped.
    assert "curl -sS -X GET" in dom
    assert "HTTP 500 Internal Server Error\n\n&lt;script&gt;alert('x')&lt;/script&gt;" in dom


def test_a_filter_in_the_address_hides_those_statuses(report: Path, tmp_path: Path) -> None:
    dom = _chromium(tmp_path, "--dump-dom", f"{report.as_uri()}#hide=pass,disabled")
    assert 'class="l-pass dim"' in dom
    assert 'class="l-fail"' in dom
    assert 'data-filter="pass" aria-pressed="false"' in dom
    assert 'data-filter="fail" aria-pressed="true"' in dom
    hidden_rows = dom.count('<tr class="hidden">')
    assert hidden_rows == 1  # POST /v1alpha/agents has only a disabled cell


_ALIGNMENT = """
var wrap = document.querySelector('.matrix-wrap');
wrap.scrollLeft = 500;
wrap.scrollTop = 400;
function box(el) { var r = el.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; }
var frame = wrap.getBoundingClientRect();
var inner = [frame.left + wrap.clientLeft, frame.top + wrap.clientTop];
var rows = Array.prototype.slice.call(document.querySelectorAll('table.matrix tbody tr'));
var head = document.querySelector('table.matrix thead tr');
var headBottom = head.getBoundingClientRect().bottom;
// The first body row wholly below the header: the one a reader lines up with it.
var row = rows.filter(function (tr) { return tr.getBoundingClientRect().top >= headBottom - 0.5; })[0];
done({
  scrolled: [wrap.scrollLeft, wrap.scrollTop],
  inner: inner,
  frame: [frame.left, frame.right, frame.top, frame.bottom],
  heads: Array.prototype.map.call(head.children, box),
  cells: Array.prototype.map.call(row.children, box),
  rowHeads: rows.map(function (tr) { return box(tr.children[0]); })
    .filter(function (b) { return b[2] >= headBottom - 0.5 && b[3] <= frame.bottom; }),
});
"""


def _misalignments(seen: dict[str, Any]) -> list[str]:
    """What a scrolled matrix shows wrong: a header cell off its column, a header or first column not
    stuck to the frame's edge."""
    left, top = seen["inner"]
    problems = []
    for n, (head, cell) in enumerate(zip(seen["heads"], seen["cells"], strict=True)):
        if abs(head[0] - cell[0]) > 0.5 or abs(head[1] - cell[1]) > 0.5:
            problems.append(f"column {n}: header spans {head[:2]}, its cells {cell[:2]}")
        if abs(head[2] - top) > 0.5:
            problems.append(f"column {n}: header top {head[2]}, frame top {top}")
    problems += [f"row header at left {b[0]}, frame left {left}" for b in seen["rowHeads"] if abs(b[0] - left) > 0.5]
    return problems


def test_the_matrix_header_row_and_first_column_stay_aligned_when_scrolled_both_ways(
    wide_report: Path, tmp_path: Path
) -> None:
    seen = _probe(wide_report, tmp_path, _ALIGNMENT, window="900,700")
    assert seen["scrolled"][0] > 0, "the matrix did not scroll sideways inside its frame"
    assert seen["scrolled"][1] > 0, "the matrix did not scroll down inside its frame"
    assert len(seen["heads"]) == len(seen["cells"]) == 31
    assert seen["rowHeads"], "no row header visible below the header row"
    assert _misalignments(seen) == []
    # The first column is visible: inside the frame, left of every data cell still shown beside it.
    first = seen["cells"][0]
    assert seen["frame"][0] <= first[0]
    assert first[1] <= seen["frame"][1]

    # The probe sees the difference: the same page without its sticky rules is misaligned when scrolled.
    unstuck = tmp_path / "unstuck" / "report.html"
    unstuck.parent.mkdir()
    unstuck.write_text(wide_report.read_text(encoding="utf-8").replace("position: sticky", "position: static"))
    assert _misalignments(_probe(unstuck, tmp_path / "unstuck", _ALIGNMENT, window="900,700"))


_FILTER_STATE = """
function state() {
  function shown(el) { return !el.classList.contains('hidden'); }
  return {
    columns: Array.prototype.filter.call(document.querySelectorAll('thead th.col'), shown)
      .map(function (th) { return th.textContent; }),
    rows: Array.prototype.filter.call(document.querySelectorAll('table.matrix tbody tr'), shown).length,
    cases: Array.prototype.filter.call(document.querySelectorAll('details.case'), shown)
      .map(function (d) { return d.querySelector('summary code').textContent; }),
    cell: document.querySelector('table.matrix tbody tr:nth-child(4) td:nth-child(27)').className,
    address: window.location.hash,
  };
}
function chip(key) { document.querySelector('[data-filter="' + key + '"]').click(); }
var states = {all: state()};
chip('suite:property');
states.noProperty = state();
chip('suite:property');
var box = document.getElementById('check-filter');
box.value = 'check-2';
box.dispatchEvent(new Event('input'));
states.check = state();
box.value = '';
box.dispatchEvent(new Event('input'));
chip('sev:MUST');
states.noMust = state();
document.getElementById('show-all').click();
states.reset = state();
done(states);
"""


def test_the_filters_by_suite_check_and_severity_hide_cases_rows_and_columns(wide_report: Path, tmp_path: Path) -> None:
    states = _probe(wide_report, tmp_path, _FILTER_STATE)
    every = [f"check-{c:02d}" for c in range(30)]
    failing = "streaming/GET /v1/things03/{thing_id}/check-25"
    warning = "streaming/GET /v1/things03/{thing_id}/check-26"

    assert states["all"]["columns"] == every
    assert states["all"]["rows"] == 40
    assert states["all"]["cases"] == [failing, warning]
    assert states["all"]["cell"] == "l-fail"

    no_property = states["noProperty"]
    assert no_property["columns"] == every[20:]
    assert no_property["rows"] == 40
    assert no_property["address"] == "#hide=suite:property"

    by_check = states["check"]
    assert by_check["columns"] == [f"check-2{c}" for c in range(10)]
    assert by_check["cases"] == [failing, warning]
    assert by_check["address"] == "#check=check-2"

    # Without MUST findings the failing case is hidden and its cell, having no other case, is dimmed;
    # the MAY warning and the cases without findings stay.
    no_must = states["noMust"]
    assert no_must["cases"] == [warning]
    assert no_must["cell"] == "l-fail dim"
    assert no_must["columns"] == every
    assert no_must["address"] == "#hide=sev:MUST"

    assert states["reset"] == states["all"] | {"address": ""}


def test_a_screenshot_renders(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    _chromium(tmp_path, f"--screenshot={shot}", report.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000
