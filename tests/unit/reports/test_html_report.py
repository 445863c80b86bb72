"""conformance/reports/html.py: the self-contained page, read as markup."""

from __future__ import annotations

from html.parser import HTMLParser

from conformance.reports import render_html
from tests.fakes.results import sample_result


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse() -> tuple[str, _Tags]:
    page = render_html(sample_result())
    parser = _Tags()
    parser.feed(page)
    return page, parser


def test_nothing_is_loaded_from_anywhere() -> None:
    _, parsed = _parse()
    assert not [t for t, a in parsed.tags if t in ("link", "img", "iframe")]
    assert not [a for t, a in parsed.tags if t == "script" and a.get("src")]
    assert [t for t, _ in parsed.tags].count("script") == 1
    assert [t for t, _ in parsed.tags].count("style") == 1


def test_run_data_is_escaped() -> None:
    page, parsed = _parse()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert any("<script>alert('x')</script>" in text for text in parsed.text)


def test_the_matrix_has_operations_as_rows_and_checks_as_columns() -> None:
    _, parsed = _parse()
    cells = [a for t, a in parsed.tags if t == "td" and "cell" in (a.get("class") or "")]
    labelled = {(a.get("data-label"), a.get("title")) for a in cells if a.get("data-label")}
    assert ("fail", "unexpected-check on GET /v1/models/{model_id}: failed") in labelled
    assert ("known", "known-check on GET /v1/models/{model_id}: known failure (baselined)") in labelled
    assert ("disabled", "agent-check on POST /v1alpha/agents: disabled for this profile") in labelled
    columns = [a.get("title") for t, a in parsed.tags if t == "th" and a.get("class") == "col"]
    assert columns == ["unexpected-check", "known-check", "minor-check", "agent-check"]


def test_every_finding_has_expandable_evidence_and_cases_without_operation_are_grouped_by_suite() -> None:
    page, parsed = _parse()
    findings = [a for t, a in parsed.tags if t == "div" and (a.get("class") or "").startswith("finding")]
    assert len(findings) == 3
    assert page.count("<summary>Evidence</summary>") == 3
    assert "<h2>Cases without an operation</h2><h3>replay</h3>" in page
    assert "<h2>Stale baseline entries</h2>" in page
    anchors = {a.get("href") for t, a in parsed.tags if t == "a"}
    ids = {a.get("id") for t, a in parsed.tags if a.get("id")}
    assert anchors
    assert {href.removeprefix("#") for href in anchors if href} <= ids


def test_control_characters_never_reach_the_page() -> None:
    page, _ = _parse()
    assert "\x00" not in page
    assert "\x07" not in page
