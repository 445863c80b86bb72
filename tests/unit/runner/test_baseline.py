"""conformance/runner/baseline.py: known findings in YAML."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conformance.core.errors import UsageError
from conformance.core.profiles import get_profile
from conformance.core.results import CaseResult, Finding, RunResult, Severity, Status, Target
from conformance.runner.base import RunContext, execute
from conformance.runner.baseline import Baseline, load_baseline, write_baseline
from conformance.runner.errors import ErrorsSuite
from tests.fakes import fake_client

NOW = datetime(2026, 1, 1, tzinfo=UTC)
TARGET = Target(base_url="http://x", profile="ogx-1.5", server="ogx", version="1.5.0")


def _finding(check: str, operation: str, severity: Severity = Severity.MUST) -> Finding:
    return Finding(check_id=check, severity=severity, operation=operation, message="m")


def _result(*findings: Finding) -> RunResult:
    case = CaseResult(id="s/c", suite="s", status=Status.FAIL, findings=findings)
    return RunResult(suite_version="0", target=TARGET, started_at=NOW, finished_at=NOW, cases=(case,))


def test_write_then_load_round_trips_sorted_and_keeps_reasons(tmp_path: Path) -> None:
    path = tmp_path / "known.yaml"
    path.write_text(
        "version: 1\nentries:\n  - check: b-check\n    operation: GET /b\n    reason: upstream bug 7\n"
        "  - check: gone\n    operation: GET /gone\n    reason: fixed since\n"
    )
    result = _result(
        _finding("b-check", "GET /b"), _finding("a-check", "GET /a"), _finding("low", "GET /c", Severity.MAY)
    )
    written = write_baseline(result, path)
    loaded = load_baseline(path)
    assert loaded == written
    assert loaded.keys == (("a-check", "GET /a"), ("b-check", "GET /b"))
    assert [e.reason for e in loaded.entries] == ["", "upstream bug 7"]  # a new entry's reason is a person's to write
    assert [e.observed for e in loaded.entries] == ["m", "m"]
    assert (loaded.profile, loaded.server) == ("ogx-1.5", "ogx==1.5.0")
    assert path.read_text().startswith("# Known findings")
    assert write_baseline(result, path) == written  # rewriting keeps the reasons it just wrote


def test_the_written_file_is_stable(tmp_path: Path) -> None:
    result = _result(_finding("x", "GET /x"), _finding("y", "GET /y"))
    write_baseline(result, tmp_path / "one.yaml")
    write_baseline(result, tmp_path / "two.yaml")
    assert (tmp_path / "one.yaml").read_text() == (tmp_path / "two.yaml").read_text()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("version: 1\nentries:\n  - check: [unclosed\n", r"line 4, column 1: not valid YAML"),
        ("- just\n- a list\n", r"line 1: expected a mapping"),
        ("version: 2\nentries: []\n", r"line 1: version: Input should be 1"),
        (
            "version: 1\nentries:\n  - check: a\n    operation: GET /a\n  - check: b\n    operaton: GET /b\n",
            r"line 6: entries\.1\.operaton: Extra inputs are not permitted",
        ),
        ("version: 1\nentries:\n  - check: a\n    operation: GET /a\n  - check: a\n    operation: GET /a\n", "line 5"),
        (
            "version: 1\nentries:\n  - check: a\n    operations: [GET /a, GET /a]\n",
            "line 3: duplicate entry a on GET /a",
        ),
        (
            "version: 1\nentries:\n  - check: a\n    operation: GET /a\n    operations: [GET /b]\n",
            "line 3: entries.0: give either 'operation' or a non-empty 'operations' list",
        ),
        ("version: 1\nentries:\n  - check: a\n", "line 3: entries.0: give either"),
    ],
)
def test_malformed_files_name_the_file_and_the_line(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(UsageError, match=rf"baseline {re.escape(str(path))}, {where}"):
        load_baseline(path)


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read it"):
        load_baseline(tmp_path / "missing.yaml")


def test_execute_splits_baselined_and_stale_keys() -> None:
    known = Baseline.model_validate(
        {
            "entries": [
                {"check": "error-json-body", "operation": "GET /v1/files/{file_id}"},
                {"check": "error-json-body", "operation": "GET /nowhere"},
            ]
        }
    )
    with fake_client(["error-json-body"]) as client:
        ctx = RunContext(client=client, profile=get_profile("ogx-1.5"), target=TARGET)
        result = execute([ErrorsSuite()], ctx, baseline=known.keys)
    assert result.baselined == (("error-json-body", "GET /v1/files/{file_id}"),)
    assert result.stale == (("error-json-body", "GET /nowhere"),)


def test_one_entry_may_cover_several_operations_with_one_reason(tmp_path: Path) -> None:
    path = tmp_path / "known.yaml"
    path.write_text(
        "version: 1\nentries:\n  - check: unknown-id\n    operations:\n      - GET /a/{id}\n      - GET /b/{id}\n"
        "      - GET /gone/{id}\n"
        "    reason: answers 400 instead of 404 for every unknown id\n"
    )
    assert set(load_baseline(path).keys) == {("unknown-id", f"GET /{n}/{{id}}") for n in ("a", "b", "gone")}
    result = _result(
        _finding("unknown-id", "GET /b/{id}"), _finding("unknown-id", "GET /a/{id}"), _finding("new", "GET /c")
    )
    written = write_baseline(result, path)
    grouped, new = sorted(written.entries, key=lambda e: e.check, reverse=True)
    assert grouped.operations == ("GET /a/{id}", "GET /b/{id}")  # what no longer occurs is dropped, the reason kept
    assert grouped.reason == "answers 400 instead of 404 for every unknown id"
    assert (new.operation, new.reason, new.observed) == ("GET /c", "", "m")
    assert load_baseline(path) == written
    assert "operations:" in path.read_text()


def test_one_entry_may_cover_several_rules_broken_by_one_cause(tmp_path: Path) -> None:
    path = tmp_path / "known.yaml"
    path.write_text(
        "version: 1\nentries:\n  - check: sdk-list\n    operation: GET /m\n    also:\n"
        "      - check: sdk-get\n        operation: GET /m/{id}\n      - check: sdk-gone\n        operation: GET /x\n"
        "    reason: model objects without id\n"
    )
    assert set(load_baseline(path).keys) == {("sdk-list", "GET /m"), ("sdk-get", "GET /m/{id}"), ("sdk-gone", "GET /x")}
    written = write_baseline(_result(_finding("sdk-get", "GET /m/{id}"), _finding("sdk-list", "GET /m")), path)
    (entry,) = written.entries
    assert entry.keys == (("sdk-list", "GET /m"), ("sdk-get", "GET /m/{id}"))  # what no longer occurs is dropped
    assert entry.reason == "model objects without id"
    assert load_baseline(path) == written
    # The entry's own rule gone: another rule of the cause leads it, the reason kept.
    written = write_baseline(_result(_finding("sdk-get", "GET /m/{id}")), path)
    assert [(e.check, e.names, e.also, e.reason) for e in written.entries] == [
        ("sdk-get", ("GET /m/{id}",), (), "model objects without id")
    ]


def test_an_also_key_listed_twice_is_a_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "known.yaml"
    path.write_text(
        "version: 1\nentries:\n  - check: a\n    operation: GET /a\n    reason: r\n"
        "  - check: b\n    operation: GET /b\n    also:\n      - check: a\n        operation: GET /a\n    reason: r\n"
    )
    with pytest.raises(UsageError, match="duplicate entry a on GET /a"):
        load_baseline(path)
