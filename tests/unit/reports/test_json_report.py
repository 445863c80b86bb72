"""conformance/reports/json_report.py: report.json and its committed schema."""

from __future__ import annotations

import json

import jsonschema

from conformance.reports import Report, render_json, report_schema
from conformance.reports.json_report import render_schema
from conformance.reports.schema_file import SCHEMA_PATH
from tests.fakes.results import sample_result


def test_committed_schema_is_the_generated_one() -> None:
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == report_schema(), (
        "docs/report.schema.json is stale: run `python -m conformance.reports.schema_file`"
    )
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema()


def test_report_json_validates_against_the_schema_and_round_trips() -> None:
    result = sample_result()
    text = render_json(result)
    document = json.loads(text)
    jsonschema.Draft202012Validator(report_schema()).validate(document)
    report = Report.model_validate_json(text)
    assert report.cases == result.cases
    assert report.summary.exit_code == int(result.exit_code)


def test_summary_is_included_for_consumers() -> None:
    document = json.loads(render_json(sample_result()))
    summary = document["summary"]
    assert summary["verdict"] == "harness-error"
    assert summary["counts"] == {"disabled": 1, "skip": 1, "pass": 3, "fail": 2, "error": 1}
    assert [f["check_id"] for f in summary["unexpected_findings"]] == ["unexpected-check"]
    assert summary["stale"] == [{"check": "gone-check", "operation": "GET /v1/gone"}]


def test_a_wrong_document_is_rejected_by_the_schema() -> None:
    document = json.loads(render_json(sample_result()))
    document["cases"][0]["status"] = "exploded"
    validator = jsonschema.Draft202012Validator(report_schema())
    assert not validator.is_valid(document)
