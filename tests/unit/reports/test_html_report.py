"""conformance/reports/html.py: the self-contained page, read as markup."""

from __future__ import annotations

import base64
import gzip
import json
import re
from html import escape
from html.parser import HTMLParser
from typing import Any

from conformance.core.results import CaseResult, ReplayDetails, RunResult, Severity, Status
from conformance.reports import render_html
from tests.fakes.results import sample_result


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.blocks: dict[str, str] = {}
        """Text of each ``<script id=...>`` (the data blocks)."""
        self._block: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._block = dict(attrs).get("id") if tag == "script" else None

    def handle_endtag(self, tag: str) -> None:
        self._block = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._block:
            self.blocks[self._block] = self.blocks.get(self._block, "") + data


def _parse(result: RunResult | None = None) -> tuple[str, _Tags]:
    page = render_html(result or sample_result())
    parser = _Tags()
    parser.feed(page)
    return page, parser


def _matrix(page: str) -> dict[tuple[str, str], str]:
    """(row, column) -> the label a judged cell shows; rows by their text, columns by check id."""
    table = page.split('<table class="matrix">', 1)[1].split("</table>", 1)[0]
    columns = re.findall(r'<th class="col" scope="col" title="([^"]*)">', table)
    cells = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1]):
        name = re.sub(r"<[^>]+>", "", re.search(r'<th scope="row"[^>]*>(.*?)</th>', row).group(1))  # type: ignore[union-attr]
        for column, cell in zip(columns, re.findall(r"<td(?: class=\"l-(\w+)\")?>", row), strict=True):
            if cell:
                cells[(name, column)] = cell
    return cells


def _evidence(parsed: _Tags) -> list[str]:
    """The page's packed evidence, unpacked as the browser does (base64, gzip, a JSON list)."""
    entries: list[str] = json.loads(gzip.decompress(base64.b64decode(parsed.blocks["evidence"])))
    return entries


def test_nothing_is_loaded_from_anywhere() -> None:
    _, parsed = _parse()
    assert not [t for t, a in parsed.tags if t in ("link", "img", "iframe")]
    assert not [a for t, a in parsed.tags if t == "script" and a.get("src")]
    scripts = [a.get("type") for t, a in parsed.tags if t == "script"]
    assert scripts == ["application/json", "application/octet-stream", None]  # two data blocks, one script
    assert [t for t, _ in parsed.tags].count("style") == 1


def test_run_data_is_escaped() -> None:
    page, parsed = _parse()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert any("<script>alert('x')</script>" in text for text in parsed.text)
    assert all("<script>alert" not in entry for entry in _evidence(parsed))


def test_the_matrix_has_operations_as_rows_and_checks_as_columns() -> None:
    page, parsed = _parse()
    columns = [a.get("title") for t, a in parsed.tags if t == "th" and a.get("class") == "col"]
    assert columns == ["unexpected-check", "known-check", "minor-check", "agent-check", "replay"]
    assert _matrix(page) == {
        ("GET /v1/models/{model_id}", "unexpected-check"): "fail",
        ("GET /v1/models/{model_id}", "known-check"): "known",
        ("POST /v1/responses", "minor-check"): "warn",
        ("POST /v1/responses", "unexpected-check"): "pass",
        ("POST /v1/responses", "known-check"): "skip",
        ("POST /v1alpha/agents", "agent-check"): "disabled",
        ("replay (no single operation)", "replay"): "error",
    }


def _suites_naming_one_operation_differently() -> RunResult:
    def case(case_id: str, suite: str, operation: str | None, **more: Any) -> CaseResult:
        return CaseResult(id=case_id, suite=suite, operation=operation, status=Status.PASS, **more)

    replayed = ReplayDetails(scenario="responses-chain", step="get")
    cases = (
        case("property/get/status", "property", "GET /v1/responses/{response_id}", check_id="status"),
        case("replay/responses-chain/02-get", "replay", "GET /v1/responses/{id}", replay=replayed),
        case("replay/responses-errors/01-get", "replay", "GET /v1/responses/resp_does_not_exist", replay=replayed),
        case("replay/models/02-get", "replay", "GET /v1/models/provider/model", replay=replayed),
        case("property/delete/status", "property", "DELETE /v1/responses/{response_id}", check_id="status"),
        case("errors/all-probes/envelope", "errors", "all error probes", check_id="envelope"),
        case("replay/responses-chain", "replay", None, replay=ReplayDetails(scenario="responses-chain")),
        case("replay/no-such", "replay", "GET /v1/no/such/thing", replay=replayed),
    )
    return sample_result().model_copy(update={"cases": cases, "baselined": (), "stale": ()})


def test_every_suite_s_name_for_an_operation_is_the_spec_s_one_row() -> None:
    page, _ = _parse(_suites_naming_one_operation_differently())
    assert _matrix(page) == {
        ("DELETE /v1/responses/{response_id}", "status"): "pass",
        ("GET /v1/models/{model_id}", "replay"): "pass",
        ("GET /v1/responses/{response_id}", "status"): "pass",
        ("GET /v1/responses/{response_id}", "replay"): "pass",
        ("GET /v1/no/such/thing", "replay"): "pass",  # not in the spec: its own name
        ("all error probes", "envelope"): "pass",
        ("replay (no single operation)", "replay"): "pass",
    }
    rows = re.findall(r'<th scope="row"[^>]*>(?:<code>)?([^<]*)', page)
    assert rows == [  # by path, then method; then what names no operation; then the suites' groups
        "GET /v1/models/{model_id}",
        "GET /v1/no/such/thing",
        "GET /v1/responses/{response_id}",
        "DELETE /v1/responses/{response_id}",
        "all error probes",
        "replay ",
    ]


def test_without_the_profile_s_spec_the_check_suites_templates_name_the_rows() -> None:
    result = _suites_naming_one_operation_differently()
    unknown = result.model_copy(update={"target": result.target.model_copy(update={"profile": "someone-elses"})})
    rows = set(re.findall(r'<th scope="row"><code>([^<]*)</code>', render_html(unknown)))
    assert rows == {
        "GET /v1/responses/{response_id}",
        "DELETE /v1/responses/{response_id}",
        "GET /v1/models/provider/model",
        "GET /v1/no/such/thing",
        "all error probes",
    }


def test_every_finding_has_expandable_evidence_and_cases_without_operation_are_grouped_by_suite() -> None:
    page, parsed = _parse()
    findings = [a for t, a in parsed.tags if t == "div" and (a.get("class") or "").startswith("finding")]
    assert len(findings) == 3
    assert page.count("<summary>Evidence</summary>") == 3
    assert '<h2>Cases without an operation</h2><section class="group"><h3>replay</h3>' in page
    assert "<h2>Stale baseline entries</h2>" in page
    anchors = {a.get("href") for t, a in parsed.tags if t == "a"}
    ids = {a.get("id") for t, a in parsed.tags if a.get("id")}
    assert anchors
    assert {href.removeprefix("#") for href in anchors if href} <= ids


def test_the_evidence_is_packed_once_and_every_finding_s_is_in_it() -> None:
    result = sample_result(extra_failures=3)
    page, parsed = _parse(result)
    entries = _evidence(parsed)
    pointers = [int(a["data-ev"] or "") for t, a in parsed.tags if t == "details" and "data-ev" in a]
    assert sorted(pointers) == list(range(len(entries)))
    found = [f for case in result.cases for f in case.findings]
    assert len(entries) == len(found) == 6
    for entry, each in zip(entries, found, strict=True):
        assert each.evidence is not None
        assert each.reproduction is not None
        for text in (each.reproduction, each.evidence.request, each.evidence.response.replace("\x00", "\ufffd")):
            assert escape(text.replace("\x07", "\ufffd"), quote=True) in entry
    assert "Accept: */*" not in page, "the evidence is not also inlined"


def test_the_filter_data_gives_each_case_its_label_suite_check_severities_and_row() -> None:
    result = sample_result()
    page, parsed = _parse(result)
    data = json.loads(parsed.blocks["report-data"])
    assert data["suites"] == ["checks", "replay"]
    assert data["columns"] == ["unexpected-check", "known-check", "minor-check", "agent-check", "replay"]
    rows = [re.sub("<[^>]+>", "", r) for r in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', page)]
    decoded = [
        (data["labels"][label], data["suites"][suite], data["columns"][column], severities, rows[row])
        for label, suite, column, severities, row in data["cases"]
    ]
    assert decoded[:3] == [
        ("fail", "checks", "unexpected-check", 4, "GET /v1/models/{model_id}"),
        ("known", "checks", "known-check", 4, "GET /v1/models/{model_id}"),
        ("warn", "checks", "minor-check", 1, "POST /v1/responses"),
    ]
    assert decoded[-1] == ("error", "replay", "replay", 0, "replay (no single operation)")
    severities = [a.get("data-filter") for t, a in parsed.tags if (a.get("data-filter") or "").startswith("sev:")]
    assert severities == [f"sev:{Severity.MUST}", f"sev:{Severity.MAY}"]


def test_control_characters_never_reach_the_page() -> None:
    page, parsed = _parse()
    assert "\x00" not in page
    assert "\x07" not in page
    assert not [entry for entry in _evidence(parsed) if "\x00" in entry or "\x07" in entry]


def test_run_data_in_the_data_block_cannot_end_its_script_element() -> None:
    result = sample_result()
    hostile = result.cases[0].model_copy(update={"suite": "</script><b>x"})
    page, parsed = _parse(result.model_copy(update={"cases": (hostile, *result.cases[1:])}))
    assert "</script><b>" not in page
    assert json.loads(parsed.blocks["report-data"])["suites"][0] == "</script><b>x"
