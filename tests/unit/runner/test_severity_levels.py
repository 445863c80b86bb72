"""runner/severity_levels.py: a user's own levels re-weigh findings; a bad file is a one-line usage error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conformance.core.errors import UsageError
from conformance.core.results import CaseResult, Finding, Severity, Status
from conformance.runner.severity_levels import SeverityLevels, load_severity_levels, rule_ids

RULES = ["chat-stream-done-sentinel", "unsupported_method", "status-code-changed"]


def _finding(check_id: str, severity: Severity = Severity.MUST) -> Finding:
    return Finding(check_id=check_id, severity=severity, operation="POST /v1/chat/completions", message="m")


def _case(*findings: Finding, check_id: str | None = None, status: Status = Status.FAIL) -> CaseResult:
    return CaseResult(id="s/c", suite="s", status=status, findings=findings, check_id=check_id)


def _levels(tmp_path: Path, text: str) -> SeverityLevels:
    path = tmp_path / "levels.txt"
    path.write_text(text)
    return load_severity_levels(path, RULES)


def test_the_file_reads_one_rule_a_line_with_comments(tmp_path: Path) -> None:
    levels = _levels(tmp_path, "# ours\nchat-stream-done-sentinel  MAY   # we accept it\n\nunsupported_method off\n")
    assert levels.levels == {"chat-stream-done-sentinel": Severity.MAY, "unsupported_method": None}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("chat-stream-done-sentinel sometimes\n", "line 1: expected '<rule id> must|should|may|off'"),
        ("\nchat-stream-done-sentinel\n", "line 2: expected '<rule id> must|should|may|off'"),
        ("done-sentinel may\n", "line 1: unknown rule 'done-sentinel' (did you mean chat-stream-done-sentinel?)"),
        ("status-code-changed may\nstatus-code-changed must\n", "line 2: status-code-changed is given twice"),
    ],
)
def test_a_malformed_file_names_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=r"levels\.txt, ") as raised:
        _levels(tmp_path, text)
    assert message in raised.value.message


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read it"):
        load_severity_levels(tmp_path / "nope.txt", RULES)


def test_a_lowered_rule_no_longer_fails_its_case() -> None:
    levels = SeverityLevels({"chat-stream-done-sentinel": Severity.MAY})
    case = levels.apply(_case(_finding("chat-stream-done-sentinel")), Severity.SHOULD)
    assert case.status is Status.PASS
    assert [f.severity for f in case.findings] == [Severity.MAY]


def test_a_raised_rule_fails_its_case() -> None:
    levels = SeverityLevels({"chat-stream-done-sentinel": Severity.MUST})
    case = _case(_finding("chat-stream-done-sentinel", Severity.MAY), status=Status.PASS)
    assert levels.apply(case, Severity.SHOULD).status is Status.FAIL


def test_a_rule_turned_off_disables_its_own_case_and_leaves_other_findings() -> None:
    levels = SeverityLevels({"unsupported_method": None}, source="levels.txt")
    own = levels.apply(_case(_finding("unsupported_method"), check_id="unsupported_method"), Severity.SHOULD)
    assert own.status is Status.DISABLED
    assert own.reason == "unsupported_method is off in levels.txt"
    assert own.findings == ()
    mixed = levels.apply(_case(_finding("unsupported_method"), _finding("status-code-changed")), Severity.SHOULD)
    assert [f.check_id for f in mixed.findings] == ["status-code-changed"]
    assert mixed.status is Status.FAIL


def test_an_error_case_stays_an_error() -> None:
    levels = SeverityLevels({"status-code-changed": Severity.MAY})
    case = _case(_finding("status-code-changed"), status=Status.ERROR)
    assert levels.apply(case, Severity.SHOULD).status is Status.ERROR


def test_every_kind_of_rule_can_be_named() -> None:
    ids = rule_ids()
    assert {"error-unknown-id-404", "positive_data_acceptance", "status-code-changed"} <= set(ids)
    assert len(ids) == len(set(ids)), "rule ids are unique across checks, Schemathesis checks and diff rules"


def test_a_bad_levels_file_stops_the_cli_before_any_request(tmp_path: Path) -> None:
    levels = tmp_path / "levels.txt"
    levels.write_text("no-such-rule must\n")
    proc = subprocess.run(
        [sys.executable, "-m", "conformance", "check", "--base-url", "http://127.0.0.1:9", "--severity-levels",
         str(levels), "--report-dir", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"error: severity levels {levels}, line 1: unknown rule 'no-such-rule' (see docs/checks.md and docs/replay.md)"
    ]


def test_a_malformed_baseline_stops_run_before_any_server_is_probed(tmp_path: Path) -> None:
    """Checked with the other gate files up front: unreachable would be exit 3, so exit 2 proves the order."""
    baseline = tmp_path / "known.yaml"
    baseline.write_text("- just a list\n")
    proc = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--base-url", "http://127.0.0.1:9", "--baseline", str(baseline),
         "--report-dir", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "expected a mapping with 'version' and 'entries'" in proc.stderr
