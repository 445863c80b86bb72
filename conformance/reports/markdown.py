"""``summary.md``: short enough for a CI step summary (``$GITHUB_STEP_SUMMARY``, a GitLab MR note).

A verdict line naming the target, a counts table, then only what needs attention: unexpected
findings, stale baseline entries and harness errors, each table capped with a "... and N more" line.
Everything else is in ``report.html``.
"""

from __future__ import annotations

from conformance.core.results import RunResult
from conformance.reports.model import (
    CaseLabel,
    SdkErrorCell,
    SdkErrorRow,
    reproduction_setup,
    restart_command,
    sdk_error_columns,
    sdk_error_skips,
    summarize,
)
from conformance.runner.caps import omitted_note

__all__ = ["MAX_ROWS", "render_markdown"]

MAX_ROWS = 20

_VERDICT = {
    "conformant": "✅ Conformant",
    "failures": "❌ Not conformant",
    "harness-error": "⚠️ Could not judge (harness error)",
}


def _cell(text: str, limit: int = 200) -> str:
    """One table cell: one line, pipes escaped, HTML neutralised, long text cut."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = f"{flat[: limit - 1]}…"
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _code(text: str) -> str:
    return f"`{_cell(text)}`" if "`" not in text else _cell(text)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        lines += ["", f"... and {len(rows) - MAX_ROWS} more"]
    return [*lines, ""]


def _setup(result: RunResult) -> list[str]:
    """How to run the reproductions again: the reference to start (embedded runs) and the exports."""
    restart, exports = restart_command(result.target), reproduction_setup(result)
    if not (restart or exports):
        return []
    lines = ["To reproduce a finding, run its curl command (in report.html) after:", "", "```sh"]
    if restart:
        lines.append(f"{restart}   # the embedded reference this run judged, on the same port")
    return [*lines, *exports, "```", ""]


def _sdk_errors(rows: list[SdkErrorRow], skipped: list[str]) -> list[str]:
    if not rows:
        return []
    sdks = sdk_error_columns(rows)
    lines = ["### SDK error classes", "", "What each official SDK raised when the server refused a request:", ""]
    table = [
        [_cell(row.provokes), row.calls_for, *(SdkErrorCell.text_of(row.sdks.get(sdk)) for sdk in sdks)] for row in rows
    ]
    lines += _table(["Situation", "Calls for", *(_cell(sdk) for sdk in sdks)], table)
    return lines + ([f"Not provoked: {_cell('; '.join(skipped))}", ""] if skipped else [])


def render_markdown(result: RunResult) -> str:
    summary = summarize(result)
    target = result.target
    server = " ".join(p for p in (target.server, target.version) if p) or "unknown server"
    lines = [
        f"## {_VERDICT[summary.verdict]}: {_cell(server)} (profile `{target.profile}`)",
        "",
        f"Target {_cell(target.base_url)} · suite {result.suite_version} · fail on {result.fail_on} and above"
        f" · exit code {summary.exit_code}",
        "",
    ]
    if target.apis:
        lines += [f"APIs judged: {', '.join(target.apis)} (`--api`); the other APIs' cases are disabled.", ""]
    lines += _setup(result)
    labels = [label for label in CaseLabel if summary.labels.get(label)]
    lines += _table(
        [*(str(label) for label in labels), "total"], [[*(str(summary.labels[x]) for x in labels), str(summary.total)]]
    )
    if summary.unexpected_findings:
        lines += [f"### Unexpected findings ({len(summary.unexpected_findings)})", ""]
        rows = [
            [_code(f.check_id), str(f.severity), _code(f.operation), _cell(f.message)]
            for f in summary.unexpected_findings
        ]
        lines += _table(["Check", "Severity", "Operation", "Message"], rows)
    if summary.omitted_findings:
        lines += [f"{omitted_note(summary.omitted_findings)}; report.json counts them per check.", ""]
    if summary.stale:
        lines += [f"### Stale baseline entries ({len(summary.stale)})", ""]
        lines += ["These baselined findings no longer occur; remove them from the baseline.", ""]
        lines += _table(["Check", "Operation"], [[_code(k.check), _code(k.operation)] for k in summary.stale])
    if summary.harness_errors:
        lines += [f"### Harness errors ({len(summary.harness_errors)})", ""]
        rows = [[_code(e.case), _cell(e.message)] for e in summary.harness_errors]
        lines += _table(["Case", "Error"], rows)
    lines += _sdk_errors(summary.sdk_errors, sdk_error_skips(result))
    if summary.baselined_findings or summary.warnings:
        lines += [
            f"{summary.baselined_findings} baselined finding(s) and {summary.warnings} finding(s) below"
            f" {result.fail_on} are listed in report.html.",
            "",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"
