"""What a judging command prints while it runs: the cases that need a look, and how far each suite is.

Without ``-v`` only failing and erroring cases are printed as they finish, and each suite ends with
one line per check that warned (``warn  <check-id>`` and how many times) and one line of counts and seconds. With
``-v`` every case is printed. On a terminal a progress bar per running suite (rich.progress, redrawn
four times a second) shows its units done out of its total, what it judges now, its counts so far
and its seconds; the bar goes when the suite ends and its line is printed. ``--no-progress``, or output
that is no terminal (CI logs), has no live display, only the printed lines: one per suite without ``-v``.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from conformance.cli._console import err_console
from conformance.core.limits import HUNG_MARK
from conformance.core.results import CaseResult, Severity, Status

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
_REFRESH_PER_SECOND = 4
_DOING_WIDTH = 70


def _display(console: Console) -> Progress:
    """One row per task: spinner, suite, bar, units done/total, elapsed, counts, what it judges now."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(bar_width=24),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.fields[counts]}[/]"),
        TextColumn("{task.fields[doing]}"),
        console=console,
        transient=True,
        refresh_per_second=_REFRESH_PER_SECOND,
        redirect_stderr=False,
        redirect_stdout=False,
    )


class CaseReporter:
    """Implements :class:`conformance.runner.base.RunProgress` and is the run's ``on_case``."""

    def __init__(
        self,
        *,
        verbose: bool,
        known: frozenset[tuple[str, str]] = frozenset(),
        fail_on: Severity = Severity.SHOULD,
        live: bool = True,
        console: Console | None = None,
    ) -> None:
        self.verbose = verbose
        self.known = known
        """Baselined (check, operation) keys: a failing case whose findings are all known says ``known``."""
        self.fail_on = fail_on
        """Findings below it are warnings: counted by check, not printed one by one."""
        self.console = console or err_console
        self.live = live and self.console.is_terminal
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
        self._display: Progress | None = None
        self._task: TaskID | None = None
        """The live row: the target's probe before the first suite, then the running suite's bar."""

    def __enter__(self) -> CaseReporter:
        if self.live:
            self._display = _display(self.console)
            self._display.start()
            self._task = self._display.add_task("probing the target", total=None, counts="", doing="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._display is not None:
            self._display.stop()
            self._display = None
            self._task = None
        if self.not_sent > 1:
            more = self.not_sent - 1
            self.console.print(f"[magenta]   error[/] [dim]{more} more cases not sent: the server is hung[/]")

    # RunProgress

    def suite_started(self, suite: str) -> None:
        self.suite, self.doing = suite, ""
        self.counts.clear()
        self.warnings.clear()
        if self._display is not None:
            self._drop_task()
            self._task = self._display.add_task(escape(suite), total=None, counts="", doing="")

    def working_on(self, what: str) -> None:
        self.doing = what
        self._update()

    def units(self, done: int, total: int) -> None:
        if self._display is not None and self._task is not None:
            self._display.update(self._task, completed=done, total=total)

    def suite_finished(self, suite: str, seconds: float) -> None:
        self._drop_task()
        for check, n in sorted(self.warnings.items()):
            self.console.print(f"[yellow]{'warn':>8}[/] {escape(check)} \u00d7{n}")
        self.console.print(f"[bold]{escape(suite)}[/]: {self.counts_text()} in {seconds:.1f}s")
        self.suite, self.doing = None, ""

    def _drop_task(self) -> None:
        if self._display is not None and self._task is not None:
            self._display.remove_task(self._task)
        self._task = None

    def _update(self) -> None:
        if self._display is not None and self._task is not None and self.suite is not None:
            doing = self.doing if len(self.doing) <= _DOING_WIDTH else self.doing[: _DOING_WIDTH - 1] + "\u2026"
            counts = self.counts_text() if self.counts or self.warnings else ""
            self._display.update(self._task, counts=counts, doing=escape(doing))

    def counts_text(self) -> str:
        parts = [f"{self.counts[label]} {label}" for label in _ORDER if self.counts[label]]
        warned = sum(self.warnings.values())
        if warned:
            parts.append(f"{warned} warning{'' if warned == 1 else 's'}")
        return ", ".join(parts) if parts else "no cases"

    # on_case

    def __call__(self, case: CaseResult) -> None:
        self.count += 1
        self.cases.append(case)
        known = case.status is Status.FAIL and bool(case.findings) and all(f.key in self.known for f in case.findings)
        self.counts[_KNOWN if known else case.status.value] += 1
        for finding in case.findings:
            if finding.severity.rank < self.fail_on.rank:
                self.warnings[finding.check_id] += 1
        self._update()
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
        self.console.print(line)
