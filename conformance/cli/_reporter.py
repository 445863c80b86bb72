"""What a judging command prints while it runs: the cases that need a look, and how far each suite is.

Without ``-v`` only failing and erroring cases are printed as they finish, and each suite ends with
one line per check that warned (``warn  <check-id>`` and how many times) and one line of counts and seconds. With
``-v`` every case is printed. On a terminal a live line (refreshed four times a second) names the
suite, what it judges now and its counts so far; ``--no-progress``, or output that is no terminal
(CI logs), has no live line, only the printed lines.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING

from rich.live import Live
from rich.markup import escape
from rich.spinner import Spinner

from conformance.cli._console import err_console
from conformance.core.limits import HUNG_MARK
from conformance.core.results import CaseResult, Severity, Status

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = ["CaseReporter"]

_STATUS_STYLE = {
    Status.PASS: "green",
    Status.FAIL: "red",
    Status.ERROR: "magenta",
    Status.SKIP: "yellow",
    Status.DISABLED: "dim",
}
_KNOWN = "known"
_ORDER = (Status.PASS.value, Status.FAIL.value, _KNOWN, Status.ERROR.value, Status.SKIP.value, Status.DISABLED.value)


class _LiveLine:
    """The live line, rendered afresh at every refresh (so its seconds count while a case runs)."""

    def __init__(self, reporter: CaseReporter) -> None:
        self.reporter = reporter
        self.spinner = Spinner("dots")

    def __rich__(self) -> RenderableType:
        self.spinner.update(text=self.reporter.status_text())
        return self.spinner


class CaseReporter:
    """Implements :class:`conformance.runner.base.RunProgress` and is the run's ``on_case``."""

    def __init__(
        self,
        *,
        verbose: bool,
        known: frozenset[tuple[str, str]] = frozenset(),
        fail_on: Severity = Severity.SHOULD,
        live: bool = True,
    ) -> None:
        self.verbose = verbose
        self.known = known
        """Baselined (check, operation) keys: a failing case whose findings are all known says ``known``."""
        self.fail_on = fail_on
        """Findings below it are warnings: counted by check, not printed one by one."""
        self.live = live and err_console.is_terminal
        self.count = 0
        self.cases: list[CaseResult] = []
        """Every case finished so far (the reports of a run cut short by an error show them)."""
        self.not_sent = 0
        """Cases that erred because the server was deemed hung: the first is printed, the rest counted."""
        self.suite: str | None = None
        self.doing = ""
        self.counts: Counter[str] = Counter()
        """The current suite's cases by label (pass, fail, known, error, skip, disabled)."""
        self.warnings: Counter[str] = Counter()
        """The current suite's findings below ``fail_on``, by check id."""
        self.counts_seen = False
        """Whether a suite has finished (the live line then says ``finishing`` between suites)."""
        self._started = time.monotonic()
        self._display: Live | None = None

    def __enter__(self) -> CaseReporter:
        if self.live:
            self._display = Live(
                _LiveLine(self), console=err_console, refresh_per_second=4, transient=True, redirect_stderr=False
            )
            self._display.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._display is not None:
            self._display.stop()
            self._display = None
        if self.not_sent > 1:
            more = self.not_sent - 1
            err_console.print(f"[magenta]   error[/] [dim]{more} more cases not sent: the server is hung[/]")

    # RunProgress

    def suite_started(self, suite: str) -> None:
        self.suite, self.doing = suite, ""
        self.counts.clear()
        self.warnings.clear()
        self._started = time.monotonic()

    def working_on(self, what: str) -> None:
        self.doing = what

    def suite_finished(self, suite: str, seconds: float) -> None:
        for check, n in sorted(self.warnings.items()):
            err_console.print(f"[yellow]{'warn':>8}[/] {escape(check)} \u00d7{n}")
        err_console.print(f"[bold]{escape(suite)}[/]: {self.counts_text()} in {seconds:.1f}s")
        self.suite, self.doing = None, ""
        self.counts_seen = True

    def counts_text(self) -> str:
        parts = [f"{self.counts[label]} {label}" for label in _ORDER if self.counts[label]]
        warned = sum(self.warnings.values())
        if warned:
            parts.append(f"{warned} warning{'' if warned == 1 else 's'}")
        return ", ".join(parts) if parts else "no cases"

    def status_text(self) -> str:
        """The live line: suite, what it judges now, its counts so far and its seconds."""
        if self.suite is None:
            return "finishing" if self.counts_seen else "probing the target"
        seconds = time.monotonic() - self._started
        doing = f" {escape(self.doing[:80])}" if self.doing else ""
        return f"[bold]{escape(self.suite)}[/]{doing}  [dim]{self.counts_text()}  {seconds:.0f}s[/]"

    # on_case

    def __call__(self, case: CaseResult) -> None:
        self.count += 1
        self.cases.append(case)
        known = case.status is Status.FAIL and bool(case.findings) and all(f.key in self.known for f in case.findings)
        self.counts[_KNOWN if known else case.status.value] += 1
        for finding in case.findings:
            if finding.severity.rank < self.fail_on.rank:
                self.warnings[finding.check_id] += 1
        if case.error is not None and HUNG_MARK in case.error:
            self.not_sent += 1
            if self.not_sent > 1 and not self.verbose:
                return
        if not (self.verbose or (case.status in (Status.FAIL, Status.ERROR) and not known)):
            return
        verdict = case.replay.verdict if case.replay is not None else None
        label, style = (_KNOWN, "dim") if known else (case.status.value, _STATUS_STYLE[case.status])
        line = f"[{style}]{label:>8}[/] {escape(case.id)}"
        detail = case.error or (case.findings[0].message if case.findings else verdict or "")
        if detail:
            line += f"  [dim]{escape(detail[:140])}[/]"
        err_console.print(line)
