"""The transient status of a step (a reference starting, an environment installing) ends with its step."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from conformance.cli import _console
from conformance.cli._reporter import CaseReporter


def test_a_steps_status_ends_with_the_step_so_the_runs_progress_can_start(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    terminal = Console(file=out, force_terminal=True, width=120, color_system=None)
    monkeypatch.setattr(_console, "err_console", terminal)
    with _console.progress("embedded reference ogx-1.5.0") as step:
        step("installing ogx-1.5.0")
        assert terminal._live_stack  # the status is showing
    assert not terminal._live_stack  # and is gone with its step
    # The run's progress bars are then the only live display (no status spinning above them).
    with CaseReporter(verbose=False, console=terminal) as reporter:
        assert reporter._display is not None
        assert len(terminal._live_stack) == 1
        reporter.suite_started("smoke")
        reporter.suite_finished("smoke", 0.1)
    assert "smoke: no cases in 0.1s" in out.getvalue()


def test_off_a_terminal_each_step_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr(_console, "err_console", Console(file=out, force_terminal=False, width=120))
    with _console.progress("embedded reference ogx-1.5.0") as step:
        step("installing ogx-1.5.0: resolved 80 packages")
        step("installing ogx-1.5.0: prepared 3 packages")
        step("starting")
    assert out.getvalue().splitlines() == [
        "embedded reference ogx-1.5.0: installing ogx-1.5.0",
        "embedded reference ogx-1.5.0: starting",
    ]
