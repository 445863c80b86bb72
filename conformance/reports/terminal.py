"""The few lines ``conformance run`` prints at the end: verdict, counts, top findings, report paths."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.text import Text

from conformance.core.results import RunResult, Status
from conformance.reports.model import CaseLabel, restart_command, summarize
from conformance.runner.caps import omitted_note

__all__ = ["TOP_FINDINGS", "render_terminal_summary"]

TOP_FINDINGS = 5

_VERDICT_STYLE = {
    "conformant": ("conformant", "bold green"),
    "failures": ("NOT conformant", "bold red"),
    "harness-error": ("could not judge (harness error)", "bold magenta"),
}
_LABEL_STYLE = {
    CaseLabel.ERROR: "magenta",
    CaseLabel.FAIL: "red",
    CaseLabel.KNOWN: "dark_orange",
    CaseLabel.WARN: "yellow",
    CaseLabel.PASS: "green",
    CaseLabel.SKIP: "dim",
    CaseLabel.DISABLED: "dim",
}


def render_terminal_summary(result: RunResult, directory: Path | None = None) -> RenderableType:
    """A short rich renderable; ``directory`` is where the reports were written, when they were."""
    summary = summarize(result)
    verdict, style = _VERDICT_STYLE[summary.verdict]
    parts: list[RenderableType] = []
    headline = Text.assemble((verdict, style), f": {result.target.label} (profile {result.target.profile})")
    headline.append(f", exit {summary.exit_code}", style="dim")
    parts.append(headline)
    if result.target.apis:
        parts.append(Text(f"APIs judged (--api): {', '.join(result.target.apis)}; the others' cases are disabled"))
    counts = Text()
    for label in CaseLabel:
        if summary.labels[label]:
            counts.append(f"{summary.labels[label]} {label}", style=_LABEL_STYLE[label]).append("  ")
    counts.append(f"({summary.total} cases)", style="dim")
    parts.append(counts)
    if summary.unexpected_findings:
        parts.append(Text(f"Unexpected findings ({len(summary.unexpected_findings)}):", style="bold"))
        for finding in summary.unexpected_findings[:TOP_FINDINGS]:
            message = finding.message if len(finding.message) <= 160 else f"{finding.message[:159]}…"
            parts.append(
                Text.assemble(
                    ("  ✗ ", "red"), (finding.check_id, "bold"), f" [{finding.severity}] ", (finding.operation, "cyan")
                )
            )
            parts.append(Text(f"    {message}", style="dim"))
        if len(summary.unexpected_findings) > TOP_FINDINGS:
            parts.append(Text(f"  ... and {len(summary.unexpected_findings) - TOP_FINDINGS} more", style="dim"))
    if summary.omitted_findings:
        parts.append(
            Text(f"{omitted_note(summary.omitted_findings)}; report.json counts them per check", style="yellow")
        )
    if summary.stale:
        parts.append(Text(f"{len(summary.stale)} stale baseline entries (they no longer occur)", style="yellow"))
    judged = [c for c in result.cases if c.status not in (Status.SKIP, Status.DISABLED)]
    if len(judged) > 1 and len(summary.harness_errors) == len(judged):
        first = summary.harness_errors[0]
        parts.append(
            Text.assemble(("error ", "magenta"), f"every case was an error; the first, {first.case}: {first.message}")
        )
    else:
        for error in summary.harness_errors[:TOP_FINDINGS]:
            parts.append(Text.assemble(("error ", "magenta"), f"{error.case}: {error.message}"))
        if len(summary.harness_errors) > TOP_FINDINGS:
            more = len(summary.harness_errors) - TOP_FINDINGS
            parts.append(Text(f"  ... and {more} more errors (summary.md lists them)", style="dim"))
    if restart := restart_command(result.target):
        parts.append(Text.assemble("to start the same reference again: ", (restart, "bold")))
    if directory is not None:
        parts.append(
            Text.assemble(
                "reports: ", (str(directory / "report.html"), "bold"), " (and report.json, junit.xml, summary.md)"
            )
        )
    return Group(*parts)
