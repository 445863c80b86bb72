"""`conformance spec-diff`: the real specs, exit codes, formats, --fail-on, the ignore file, user mistakes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fakes.cli import conformance

_ITEMS = "ERR  response-property-removed  GET /v1/conversations/{conversation_id}  optional field `items` is removed"


def test_llama_stack_0_7_to_ogx_1_5_reports_the_removed_conversation_items_as_err() -> None:
    proc = conformance("spec-diff", "openapi/llama-stack-0.7.yaml", "openapi/ogx-1.5.yaml")
    assert proc.returncode == 1, proc.stderr
    assert _ITEMS in proc.stdout


def test_a_spec_against_itself_exits_0() -> None:
    proc = conformance("spec-diff", "openapi/ogx-1.5.yaml", "ogx-1.5")
    assert proc.returncode == 0, proc.stderr
    assert "0 changes" in proc.stdout


def test_fail_on_info_fails_where_err_passes(tmp_path: Path) -> None:
    ignore = tmp_path / "ignore.yaml"
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"responses": {}}}}}
    old.write_text(json.dumps(spec))
    spec["paths"]["/b"] = {"get": {"responses": {}}}
    new.write_text(json.dumps(spec))
    assert conformance("spec-diff", str(old), str(new)).returncode == 0
    assert conformance("spec-diff", str(old), str(new), "--fail-on", "INFO").returncode == 1
    ignore.write_text("- rule: endpoint-added\n  operation: GET /b\n  reason: on purpose\n")
    proc = conformance("spec-diff", str(old), str(new), "--fail-on", "INFO", "--ignore", str(ignore))
    assert proc.returncode == 0, proc.stdout
    assert "(1 ignored)" in proc.stdout


def test_json_and_junit_outputs(tmp_path: Path) -> None:
    out = tmp_path / "changes.json"
    proc = conformance("spec-diff", "llama-stack-0.7", "ogx-1.5", "--format", "json", "--output", str(out))
    assert proc.returncode == 1
    document = json.loads(out.read_text())
    assert document["counts"]["ERR"] > 0
    assert {"rule", "level", "direction", "area", "operation", "location", "message"} <= set(document["changes"][0])
    junit = conformance("spec-diff", "llama-stack-0.7", "ogx-1.5", "--format", "junit").stdout
    assert '<testsuite name="spec-diff"' in junit
    assert "<failure" in junit


def test_a_missing_spec_is_one_line_exit_2() -> None:
    proc = conformance("spec-diff", "nope.yaml", "ogx-1.5")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: spec nope.yaml: no such file, and not a profile id (llama-stack-0.3, llama-stack-0.7, ogx-1.5)"
    ]


def test_a_malformed_spec_names_the_file_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: [\n")
    proc = conformance("spec-diff", str(bad), "ogx-1.5")
    assert proc.returncode == 2
    assert str(bad) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_an_ignore_entry_without_reason_names_the_file_and_line(tmp_path: Path) -> None:
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text("- rule: endpoint-added\n  operation: GET /b\n  reason: ''\n")
    proc = conformance("spec-diff", "ogx-1.5", "ogx-1.5", "--ignore", str(ignore))
    assert proc.returncode == 2
    assert f"ignore file {ignore}, line 3: 0.reason: a reason is required" in proc.stderr


def test_an_ignore_entry_with_an_unknown_rule_is_refused(tmp_path: Path) -> None:
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text("- rule: no-such-rule\n  operation: GET /b\n  reason: x\n")
    proc = conformance("spec-diff", "ogx-1.5", "ogx-1.5", "--ignore", str(ignore))
    assert proc.returncode == 2
    assert "unknown spec-diff rule 'no-such-rule'" in proc.stderr
