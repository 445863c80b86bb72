"""conformance/reports/json_report.py: report.json and its committed schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conformance.core.errors import UsageError
from conformance.core.results import RunPlan, Shard
from conformance.reports import Report, read_report, render_json, report_schema
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


def test_read_report_gives_back_the_run_it_was_written_from(tmp_path: Path) -> None:
    result = sample_result().model_copy(
        update={"shard": Shard(index=2, count=3), "plan": RunPlan(command="run", suites=("smoke",), seed=7)}
    )
    (tmp_path / "report.json").write_text(render_json(result), encoding="utf-8")
    assert read_report(tmp_path) == result
    assert render_json(read_report(tmp_path)) == render_json(result)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "{dir}: no report.json in it (is it a --report-dir a run wrote?)"),
        (
            '{"schema_version": 2,',
            "{dir}/report.json: not JSON (Expecting property name enclosed in double quotes at line 1, column 22)",
        ),
        ("[1, 2]", "{dir}/report.json: not a report (a JSON object expected, found array)"),
        ('{"schema_version": 1}', "{dir}/report.json: schema_version 1; this conformance reads version 2"),
        (
            "cases",
            "{dir}/report.json: not a report: cases.0.status: Input should be 'disabled', 'skip', 'pass', 'fail' "
            "or 'error'",
        ),
    ],
)
def test_read_report_names_the_file_and_what_is_wrong(tmp_path: Path, content: str | None, message: str) -> None:
    if content == "cases":
        document = json.loads(render_json(sample_result()))
        document["cases"][0]["status"] = "exploded"
        content = json.dumps(document)
    if content is not None:
        (tmp_path / "report.json").write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        read_report(tmp_path)
    assert raised.value.message == message.format(dir=tmp_path)


def test_read_report_of_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such folder"):
        read_report(tmp_path / "missing")
