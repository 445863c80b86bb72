"""``report.html``: one self-contained page a person reads to see what broke and how to reproduce it.

Top to bottom: the verdict naming the target; label chips that filter everything below; the
operation-by-check matrix (rows operations, columns check ids, one symbol per cell, the worst label of
its cases); the cases behind non-passing cells, grouped by operation, each finding with its evidence
(curl reproduction, request and response excerpts) in ``<details>``; cases without an operation
grouped by suite; stale baseline entries. Every piece of run data goes through :func:`html.escape`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html import escape

from conformance.core.results import CaseResult, Finding, RunResult
from conformance.reports.html_assets import LABEL_SYMBOL, SCRIPT, STYLE
from conformance.reports.model import (
    CaseLabel,
    SdkErrorCell,
    case_label,
    column_of,
    reproduction_setup,
    restart_command,
    sdk_error_columns,
    sdk_error_skips,
    sdk_error_table,
    summarize,
)
from conformance.runner.caps import omitted_note

__all__ = ["render_html"]

_VERDICT = {
    "conformant": "Conformant",
    "failures": "Not conformant",
    "harness-error": "Could not judge: harness error",
}
_DESCRIBE = {
    "error": "harness error",
    "fail": "failed",
    "known": "known failure (baselined)",
    "warn": "passed with findings below --fail-on",
    "pass": "passed",
    "skip": "skipped",
    "disabled": "disabled for this profile",
}


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _e(value: object) -> str:
    """Escaped for HTML text and attributes; control characters (never valid HTML) become U+FFFD."""
    return escape(_CONTROL.sub("\ufffd", str(value)), quote=True)


class _Page:
    def __init__(self, result: RunResult) -> None:
        self.result = result
        self.labels = [case_label(result, case) for case in result.cases]
        self.anchor = {index: f"case-{index}" for index in range(len(result.cases))}
        self.expected = set(result.baselined)

    def _listed(self, index: int) -> bool:
        """Whether a case has an entry below the matrix (plain passes do not)."""
        case = self.result.cases[index]
        return case.operation is None or self.labels[index] is not CaseLabel.PASS

    def header(self) -> str:
        result, target = self.result, self.result.target
        summary = summarize(result)
        server = " ".join(p for p in (target.server, target.version) if p) or "unknown server"
        seconds = (result.finished_at - result.started_at).total_seconds()
        apis = f" · APIs judged (--api): {_e(', '.join(target.apis))}" if target.apis else ""
        return (
            f"<h1>Conformance report: {_e(server)}</h1>"
            f'<div class="verdict {_e(summary.verdict)}">{_e(_VERDICT[summary.verdict])}'
            f" (exit code {summary.exit_code})</div>"
            f'<p class="meta">Target <code>{_e(target.base_url)}</code> · profile <code>{_e(target.profile)}</code>'
            f" · suite {_e(result.suite_version)} · fails on {_e(result.fail_on)} and above"
            f" · started {_e(result.started_at.isoformat(timespec='seconds'))} · {seconds:.1f} s{apis}</p>"
            f"{self.omitted(summary.omitted_findings)}"
            f"{self.setup()}"
        )

    @staticmethod
    def omitted(count: int) -> str:
        note = omitted_note(count)
        return f'<p class="meta">{_e(note)}: each case says how many of its own.</p>' if note else ""

    def setup(self) -> str:
        """How to run the reproductions: the reference to start (embedded runs) and the exports, once."""
        restart, exports = restart_command(self.result.target), reproduction_setup(self.result)
        if not (restart or exports):
            return ""
        lines = [f"{restart}   # the embedded reference this run judged"] if restart else []
        return (
            '<p class="meta">The curl reproductions below read the base URL and secrets from shell variables; '
            f"set them first:</p><pre>{_e(chr(10).join([*lines, *exports]))}</pre>"
        )

    def filters(self) -> str:
        summary = summarize(self.result)
        chips = "".join(
            f'<button class="chip l-{label}" data-filter="{label}" aria-pressed="true" '
            f'title="show or hide {_e(_DESCRIBE[label])} cases">{LABEL_SYMBOL[label]} {label}'
            f"<b>{summary.labels[label]}</b></button>"
            for label in CaseLabel
            if summary.labels[label]
        )
        return (
            f'<div class="filters" role="toolbar" aria-label="filter by status">{chips}'
            '<button class="chip" id="only-problems">only problems</button>'
            '<button class="chip" id="show-all">show all</button>'
            '<span class="hint">click a status to hide or show it</span></div>'
        )

    def matrix(self) -> str:
        cells: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, case in enumerate(self.result.cases):
            if case.operation is not None:
                cells[(case.operation, column_of(case))].append(index)
        if not cells:
            return '<h2>Operations by check</h2><p class="empty-note">No case judged an operation.</p>'
        operations = list(dict.fromkeys(op for op, _ in cells))
        columns = list(dict.fromkeys(col for _, col in cells))
        head = "".join(f'<th class="col" scope="col" title="{_e(c)}"><span>{_e(c)}</span></th>' for c in columns)
        rows = []
        for operation in operations:
            row = [f'<th scope="row"><code>{_e(operation)}</code></th>']
            for column in columns:
                indexes = cells.get((operation, column))
                if not indexes:
                    row.append('<td class="cell empty" title="not judged"></td>')
                    continue
                worst = min(indexes, key=lambda i: self.labels[i].rank)
                label = self.labels[worst]
                title = f"{column} on {operation}: {_DESCRIBE[label]}" + (
                    f" ({len(indexes)} cases)" if len(indexes) > 1 else ""
                )
                symbol = LABEL_SYMBOL[label]
                inner = f'<a href="#{self.anchor[worst]}">{symbol}</a>' if self._listed(worst) else symbol
                row.append(f'<td class="cell l-{label}" data-label="{label}" title="{_e(title)}">{inner}</td>')
            rows.append(f"<tr>{''.join(row)}</tr>")
        legend = "".join(
            f'<span><span class="sym l-{label}">{LABEL_SYMBOL[label]}</span>{_e(_DESCRIBE[label])}</span>'
            for label in CaseLabel
        )
        return (
            "<h2>Operations by check</h2>"
            f'<div class="matrix-wrap"><table class="matrix"><thead><tr><th scope="col">Operation</th>{head}</tr>'
            f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
            f'<div class="legend">{legend}<span>▨ not judged</span></div>'
        )

    def finding(self, finding: Finding) -> str:
        if not self.result.gates(finding):
            kind, tag = "below", f"below {self.result.fail_on}: reported, not failing"
        elif finding.key in self.expected:
            kind, tag = "known", "expected by the baseline"
        else:
            kind, tag = "gating", ""
        evidence = ""
        if finding.reproduction:
            evidence += (
                '<h4>Reproduce</h4><div><button class="copy" type="button">Copy</button>'
                f"<pre>{_e(finding.reproduction)}</pre></div>"
            )
        if finding.evidence is not None:
            evidence += f"<h4>Request</h4><pre>{_e(finding.evidence.request)}</pre>"
            evidence += f"<h4>Response</h4><pre>{_e(finding.evidence.response)}</pre>"
        details = f"<details><summary>Evidence</summary>{evidence}</details>" if evidence else ""
        return (
            f'<div class="finding {kind}"><div><span class="sev">{_e(finding.severity)}</span>'
            f"<code>{_e(finding.check_id)}</code> on <code>{_e(finding.operation)}</code>"
            f"{f'<span class=tag>{_e(tag)}</span>' if tag else ''}</div>"
            f'<div class="msg">{_e(finding.message)}</div>{details}</div>'
        )

    def case(self, index: int, *, show_operation: bool = True) -> str:
        case: CaseResult = self.result.cases[index]
        label = self.labels[index]
        why = case.error or case.reason or (case.findings[0].message if case.findings else "")
        body = "".join(self.finding(f) for f in case.findings)
        if note := omitted_note(case.omitted_findings):
            body += f'<p class="meta">{_e(note)}; report.json counts them per check.</p>'
        if case.error:
            body = f"<p><b>Harness error:</b> {_e(case.error)}</p>" + body
        elif case.reason:
            body = f"<p><b>Reason:</b> {_e(case.reason)}</p>" + body
        operation = f" · <code>{_e(case.operation)}</code>" if case.operation and show_operation else ""
        return (
            f'<details class="case" id="{self.anchor[index]}" data-label="{label}">'
            f'<summary><span class="sym l-{label}" title="{_e(_DESCRIBE[label])}">{LABEL_SYMBOL[label]}</span>'
            f'<code>{_e(case.id)}</code>{operation}<span class="why">{_e(why[:160])}</span></summary>'
            f'<div class="body">{body or "<p class=empty-note>Nothing to report.</p>"}</div></details>'
        )

    def cases_by_operation(self) -> str:
        groups: dict[str, list[int]] = defaultdict(list)
        for index, case in enumerate(self.result.cases):
            if case.operation is not None and self._listed(index):
                groups[case.operation].append(index)
        if not groups:
            return ""
        parts = ["<h2>Cases by operation</h2><p class='meta'>Every case that did not simply pass.</p>"]
        for operation, indexes in groups.items():
            indexes.sort(key=lambda i: self.labels[i].rank)
            parts.append(
                f"<h3><code>{_e(operation)}</code></h3>" + "".join(self.case(i, show_operation=False) for i in indexes)
            )
        return "".join(parts)

    def cases_by_suite(self) -> str:
        groups: dict[str, list[int]] = defaultdict(list)
        for index, case in enumerate(self.result.cases):
            if case.operation is None:
                groups[case.suite].append(index)
        if not groups:
            return ""
        parts = ["<h2>Cases without an operation</h2>"]
        for suite, indexes in groups.items():
            parts.append(f"<h3>{_e(suite)}</h3>" + "".join(self.case(i) for i in indexes))
        return "".join(parts)

    def sdk_errors(self) -> str:
        rows = sdk_error_table(self.result)
        if not rows:
            return ""
        sdks = sdk_error_columns(rows)
        index = {case.id: i for i, case in enumerate(self.result.cases)}
        head = "".join(f"<th>{_e(sdk)}</th>" for sdk in sdks)
        body = []
        for row in rows:
            cells = []
            for sdk in sdks:
                cell = row.sdks.get(sdk)
                text = _e(SdkErrorCell.text_of(cell))
                if cell is not None and not cell.matches and self._listed(index[cell.case]):
                    text = f'<a href="#{self.anchor[index[cell.case]]}">{text}</a>'
                kind = "" if cell is None else (' class="ok"' if cell.matches else ' class="bad"')
                cells.append(f"<td{kind}>{text}</td>")
            body.append(f"<tr><td>{_e(row.provokes)}</td><td>{_e(row.calls_for)}</td>{''.join(cells)}</tr>")
        return (
            "<h2>SDK error classes</h2><p class='meta'>What each official SDK raised when the server refused a "
            "request, next to the class the situation calls for (an application's <code>except</code> clause "
            "matches on it).</p>"
            f'<table class="list sdk-errors"><thead><tr><th>Situation</th><th>Calls for</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
            + "".join(f"<p class='meta'>Not provoked: {_e(line)}</p>" for line in sdk_error_skips(self.result))
        )

    def stale(self) -> str:
        if not self.result.stale:
            return ""
        rows = "".join(
            f"<tr><td><code>{_e(c)}</code></td><td><code>{_e(o)}</code></td></tr>" for c, o in self.result.stale
        )
        note = " (allowed by --allow-stale)" if self.result.allow_stale else ""
        return (
            f"<h2>Stale baseline entries</h2><p class='meta'>Baselined findings that no longer occur{note}.</p>"
            f'<table class="list"><thead><tr><th>Check</th><th>Operation</th></tr></thead><tbody>{rows}</tbody></table>'
        )


def render_html(result: RunResult) -> str:
    page = _Page(result)
    title = f"Conformance report: {result.target.label}"
    body = "".join(
        (
            page.header(),
            page.filters(),
            page.matrix(),
            page.sdk_errors(),
            page.cases_by_operation(),
            page.cases_by_suite(),
            page.stale(),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main><script>{SCRIPT}</script></body></html>\n"
    )
