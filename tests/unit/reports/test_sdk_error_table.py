"""The SDK error table (clients suite error flows) in the summary, summary.md and report.html."""

from __future__ import annotations

from conformance.core.results import CaseResult, RunResult, SdkErrorObservation, Severity, Status
from conformance.reports import render_html, render_markdown
from conformance.reports.model import SdkErrorCell, summarize
from tests.fakes.results import finding, sample_result


def _case(sdk: str, situation: str, raised: str | None, status: int | None, expected: str) -> CaseResult:
    matches = raised == expected
    case_id = f"clients/{sdk.split(maxsplit=1)[0]}/errors.{situation}"
    rule = f"sdk-{sdk.split(maxsplit=1)[0]}-errors-{situation}"
    findings = () if matches else (finding(rule, "GET /v1/responses/{response_id}", Severity.MUST),)
    return CaseResult(
        id=case_id,
        suite="clients",
        operation="GET /v1/responses/{response_id}",
        status=Status.PASS if matches else Status.FAIL,
        findings=findings,
        sdk_error=SdkErrorObservation(
            sdk=sdk,
            situation=situation,
            provokes=f"provoke {situation}",
            statuses=(404,) if expected == "NotFoundError" else (401,),
            expected=(expected,),
            raised=raised,
            status=status,
        ),
    )


def _result() -> RunResult:
    base = sample_result(stale=False)
    cases = (
        _case("openai 3.57.0", "unknown-id", "BadRequestError", 400, "NotFoundError"),
        _case("openai 3.57.0", "unknown-route", "NotFoundError", 404, "NotFoundError"),
        _case("openai-node 7.59.0", "unknown-id", "NotFoundError", 404, "NotFoundError"),
        _case("openai-node 7.59.0", "no-auth", None, None, "AuthenticationError"),
        CaseResult(id="clients/openai/errors.no-auth", suite="clients", status=Status.SKIP, reason="no --api-key"),
        CaseResult(id="clients/openai/errors.wrong-auth", suite="clients", status=Status.SKIP, reason="no --api-key"),
    )
    return base.model_copy(update={"cases": base.cases + cases})


def test_rows_are_situations_and_columns_the_sdks_in_the_order_they_ran() -> None:
    rows = summarize(_result()).sdk_errors
    assert [row.situation for row in rows] == ["unknown-id", "unknown-route", "no-auth"]
    unknown_id = rows[0]
    assert list(unknown_id.sdks) == ["openai 3.57.0", "openai-node 7.59.0"]
    assert unknown_id.sdks["openai 3.57.0"] == SdkErrorCell(
        case="clients/openai/errors.unknown-id", raised="BadRequestError", status=400, matches=False
    )
    assert unknown_id.sdks["openai-node 7.59.0"].matches
    assert SdkErrorCell.text_of(unknown_id.sdks["openai 3.57.0"]) == "❌ BadRequestError (HTTP 400)"
    assert SdkErrorCell.text_of(unknown_id.sdks["openai-node 7.59.0"]) == "✅ NotFoundError"
    assert SdkErrorCell.text_of(rows[2].sdks["openai-node 7.59.0"]) == "❌ raised nothing"
    assert SdkErrorCell.text_of(rows[1].sdks.get("openai-node 7.59.0")) == "not run"
    assert summarize(sample_result()).sdk_errors == []


def test_summary_md_shows_the_table() -> None:
    text = render_markdown(_result())
    assert "### SDK error classes" in text
    assert "| Situation | Calls for | openai 3.57.0 | openai-node 7.59.0 |" in text
    assert "| provoke unknown-id | HTTP 404 | ❌ BadRequestError (HTTP 400) | ✅ NotFoundError |" in text
    assert "| provoke unknown-route | HTTP 404 | ✅ NotFoundError | not run |" in text
    assert "Not provoked: errors.no-auth, errors.wrong-auth: no --api-key" in text
    assert "SDK error classes" not in render_markdown(sample_result())


def test_report_html_shows_the_table_and_links_a_mismatch_to_its_case() -> None:
    page = render_html(_result())
    assert "<h2>SDK error classes</h2>" in page
    table = page.split('<table class="list sdk-errors">', 1)[1].split("</table>", 1)[0]
    assert "<th>openai 3.57.0</th><th>openai-node 7.59.0</th>" in table
    assert '<td class="bad"><a href="#' in table
    assert "❌ BadRequestError (HTTP 400)</a>" in table
    assert '<td class="ok">✅ NotFoundError</td>' in table
    assert "<p class='meta'>Not provoked: errors.no-auth, errors.wrong-auth: no --api-key</p>" in page
    assert "SDK error classes" not in render_html(sample_result())
