"""What a judging command prints while it runs, end to end against the fake server (no terminal: the
output is captured, so it behaves as with ``--no-progress``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.fakes.cli import conformance
from tests.fakes.server import SPEC_TOOL_DELTA_CASE, make_app

SUITE_LINE = re.compile(r"^streaming: \d+ pass(, \d+ (skip|disabled))*, 3 warnings in \d+\.\d+s$", re.MULTILINE)


def _run(url: str, out: Path, *extra: str) -> tuple[int, str]:
    # --fail-on must turns the broken SHOULD rule into a warning: counted, not failing.
    proc = conformance("run", "--base-url", url, "--profile", "ogx-1.5", "--suite", "streaming", "--fail-on", "must",
                       "--exclude", SPEC_TOOL_DELTA_CASE, "--report-dir", str(out), *extra)  # fmt: skip
    return proc.returncode, proc.stderr


def test_quiet_by_default_one_line_per_suite_and_warnings_by_check(
    serve_app: Callable[[Any], str], tmp_path: Path
) -> None:
    url = serve_app(make_app(breaks={"chat-stream-done-sentinel"}))
    code, quiet = _run(url, tmp_path / "quiet", "--no-progress")
    assert code == 0, quiet
    assert " pass streaming/" not in quiet
    assert "warn chat-stream-done-sentinel \u00d73" in quiet  # the three plain-text chat streams
    assert SUITE_LINE.search(quiet), quiet
    assert "\x1b[" not in quiet  # no live display's escapes

    code, verbose = _run(url, tmp_path / "verbose", "-v")
    assert code == 0, verbose
    assert " pass streaming/responses/text/" in verbose
    assert "warn chat-stream-done-sentinel \u00d73" in verbose
    assert SUITE_LINE.search(verbose), verbose


def test_no_progress_is_an_option_of_every_judging_command() -> None:
    for command in ("run", "check", "replay"):
        proc = conformance(command, "--help")
        assert "--no-progress" in proc.stdout, command
