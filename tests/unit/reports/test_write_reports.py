"""conformance/reports/__init__.py: write_reports writes the four files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.core.errors import UsageError
from conformance.reports import write_reports
from tests.fakes.results import sample_result


def test_writes_all_four_reports(tmp_path: Path) -> None:
    paths = write_reports(sample_result(), tmp_path / "nested" / "out")
    assert {k: p.name for k, p in paths.items()} == {
        "json": "report.json",
        "junit": "junit.xml",
        "markdown": "summary.md",
        "html": "report.html",
    }
    assert all(p.is_file() and p.stat().st_size for p in paths.values())
    assert json.loads(paths["json"].read_text())["summary"]["exit_code"] == 3


def test_an_unusable_directory_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UsageError, match="cannot create it"):
        write_reports(sample_result(), blocker / "out")
