"""``report.html``: one self-contained page a person reads to see what broke and how to reproduce it.

Top to bottom: the verdict naming the target; filters (label, suite, severity chips and a check box)
that act on everything below; the operation-by-check matrix (rows the spec's operations, whatever
name each suite gave them; columns check ids; one symbol per cell, the worst label of its shown cases;
a sticky header row and first column); the cases behind non-passing cells, grouped by operation, each
finding with its evidence (curl reproduction, request and response excerpts) in ``<details>``; cases
without an operation grouped by suite; stale baseline entries. Every piece of run data goes through
:func:`html.escape`.

The evidence is most of a run's text and is read for a few findings, so it is packed once for the page
(gzip, base64, one JSON list) and unpacked by the browser (``DecompressionStream``) the first time an
*Evidence* section is opened; the cases' filter data is one JSON block. See docs/reports.md.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from collections import Counter, defaultdict
from html import escape

from conformance.core.results import CaseResult, Finding, RunResult, Severity
from conformance.reports.html_assets import LABEL_SYMBOL, SCRIPT, STYLE
from conformance.reports.model import (
    CaseLabel,
    SdkErrorCell,
    case_label,
    column_of,
    operation_rows,
    reproduction_setup,
    restart_command,
    sdk_error_columns,
    sdk_error_skips,
    sdk_error_table,
    summarize,
)
from conformance.runner.caps import omitted_note
from conformance.spec.operations import HTTP_METHODS

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


_SEVERITY_BIT = {Severity.MUST: 4, Severity.SHOULD: 2, Severity.MAY: 1}
"""A case's severities as one number in the page's case table (``0``: the case has no finding)."""


def _json_block(value: object) -> str:
    """JSON for a ``<script type="application/json">`` block: no ``<`` can end the element early."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _packed(entries: list[str]) -> str:
    """``entries`` as the page carries them: a JSON list, gzip-compressed (stable bytes), in base64."""
    data = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")


_METHOD_ORDER = [method.upper() for method in HTTP_METHODS]


class _Page:
    def __init__(self, result: RunResult) -> None:
        self.result = result
        self.labels = [case_label(result, case) for case in result.cases]
        self.rows = operation_rows(result)
        self.columns = [column_of(case) for case in result.cases]
        self.anchor = {index: f"case-{index}" for index in range(len(result.cases))}
        self.expected = set(result.baselined)
        # The matrix: a row per operation (as the spec names it), sorted by path, then one per suite for
        # its cases without an operation; a column per check id (or suite), in the order first judged.
        self.cells: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.grouped: set[str] = set()
        for index, case in enumerate(result.cases):
            row = self.rows[index]
            if row is None:
                row = case.suite
                self.grouped.add(row)
            self.cells[(row, self.columns[index])].append(index)
        self.matrix_rows = sorted(dict.fromkeys(row for row, _ in self.cells), key=self._row_order)
        self.matrix_columns = list(dict.fromkeys(self.columns))
        self.evidence: list[str] = []
        """Every finding's evidence as HTML, in the order the page refers to it (``data-ev``)."""

    def _row_order(self, row: str) -> tuple[int, str, int]:
        method, _, path = row.partition(" ")
        if row in self.grouped:
            return (2, "", 0)
        if method.upper() not in _METHOD_ORDER or not path.startswith("/"):
            return (1, "", 0)  # a name that is no operation of the spec, e.g. 'all error probes'
        return (0, path, _METHOD_ORDER.index(method.upper()))

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
        labels = "".join(
            f'<button class="chip l-{label}" data-filter="{label}" aria-pressed="true" '
            f'title="show or hide {_e(_DESCRIBE[label])} cases">{LABEL_SYMBOL[label]} {label}'
            f"<b>{summary.labels[label]}</b></button>"
            for label in CaseLabel
            if summary.labels[label]
        )
        suites = Counter(case.suite for case in self.result.cases)
        suite_chips = "".join(
            f'<button class="chip" data-filter="suite:{_e(suite)}" aria-pressed="true" '
            f'title="show or hide the {_e(suite)} suite\'s cases">{_e(suite)}<b>{count}</b></button>'
            for suite, count in suites.items()
        )
        severities = Counter(f.severity for case in self.result.cases for f in case.findings)
        severity_chips = "".join(
            f'<button class="chip" data-filter="sev:{severity}" aria-pressed="true" '
            f'title="show or hide {severity} findings (cases without findings stay)">{severity}'
            f"<b>{severities[severity]}</b></button>"
            for severity in Severity
            if severities[severity]
        )
        checks = "".join(f'<option value="{_e(column)}">' for column in self.matrix_columns)
        return (
            '<div class="filters" role="toolbar" aria-label="filters">'
            f'<div class="row"><span class="what">Status</span>{labels}'
            '<button class="chip" id="only-problems">only problems</button>'
            '<button class="chip" id="show-all">show all</button></div>'
            f'<div class="row"><span class="what">Suite</span>{suite_chips}</div>'
            + (f'<div class="row"><span class="what">Severity</span>{severity_chips}</div>' if severity_chips else "")
            + '<div class="row"><label class="what" for="check-filter">Check</label>'
            '<input type="search" id="check-filter" list="check-ids" placeholder="check id contains…" '
            f'autocomplete="off"><datalist id="check-ids">{checks}</datalist>'
            '<span class="hint">click a chip to hide or show those cases; the address keeps the filters</span>'
            "</div></div>"
        )

    def matrix(self) -> str:
        if not self.cells:
            return '<h2>Operations by check</h2><p class="empty-note">No case was judged.</p>'
        head = "".join(
            f'<th class="col" scope="col" title="{_e(c)}"><span>{_e(c)}</span></th>' for c in self.matrix_columns
        )
        body = []
        for row in self.matrix_rows:
            name = (
                f'<th scope="row" class="group">{_e(row)} <i>(no single operation)</i></th>'
                if row in self.grouped
                else f'<th scope="row"><code>{_e(row)}</code></th>'
            )
            parts = [name]
            for column in self.matrix_columns:
                indexes = self.cells.get((row, column))
                if not indexes:
                    parts.append("<td></td>")  # not judged: hatched by the stylesheet
                    continue
                worst = min(indexes, key=lambda i: self.labels[i].rank)
                label = self.labels[worst]
                symbol = LABEL_SYMBOL[label]
                inner = f'<a href="#{self.anchor[worst]}">{symbol}</a>' if self._listed(worst) else symbol
                parts.append(f'<td class="l-{label}">{inner}</td>')
            body.append(f"<tr>{''.join(parts)}</tr>")
        legend = "".join(
            f'<span><span class="sym l-{label}">{LABEL_SYMBOL[label]}</span>{_e(_DESCRIBE[label])}</span>'
            for label in CaseLabel
        )
        return (
            "<h2>Operations by check</h2>"
            '<p class="meta">One row per operation of the spec, whatever name each suite gave it; one column per '
            "check. A cell shows the worst label of its shown cases; hover it for how many.</p>"
            f'<div class="matrix-wrap"><table class="matrix"><thead><tr><th class="corner" scope="col">Operation</th>'
            f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
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
        details = ""
        if evidence:
            self.evidence.append(evidence)
            details = (
                f'<details class="evidence" data-ev="{len(self.evidence) - 1}"><summary>Evidence</summary>'
                '<div class="ev-body"><p class="empty-note">Unpacking…</p></div></details>'
            )
        return (
            f'<div class="finding {kind}" data-sev="{_SEVERITY_BIT[finding.severity]}"><div>'
            f'<span class="sev">{_e(finding.severity)}</span>'
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
            f'<details class="case" id="{self.anchor[index]}" data-i="{index}">'
            f'<summary><span class="sym l-{label}" title="{_e(_DESCRIBE[label])}">{LABEL_SYMBOL[label]}</span>'
            f'<code>{_e(case.id)}</code>{operation}<span class="why">{_e(why[:160])}</span></summary>'
            f'<div class="body">{body or "<p class=empty-note>Nothing to report.</p>"}</div></details>'
        )

    def cases_by_operation(self) -> str:
        groups: dict[str, list[int]] = defaultdict(list)
        for index, row in enumerate(self.rows):
            if row is not None and self._listed(index):
                groups[row].append(index)
        if not groups:
            return ""
        parts = ["<h2>Cases by operation</h2><p class='meta'>Every case that did not simply pass.</p>"]
        for operation, indexes in groups.items():
            indexes.sort(key=lambda i: self.labels[i].rank)
            cases = "".join(self.case(i, show_operation=self.result.cases[i].operation != operation) for i in indexes)
            parts.append(f'<section class="group"><h3><code>{_e(operation)}</code></h3>{cases}</section>')
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
            cases = "".join(self.case(i) for i in indexes)
            parts.append(f'<section class="group"><h3>{_e(suite)}</h3>{cases}</section>')
        return "".join(parts)

    def data(self) -> str:
        """What the script filters by, one entry per case: ``[label, suite, column, severities, row]`` as
        indexes into the lists beside it and into the matrix's rows (severities as bits: MUST 4, SHOULD 2,
        MAY 1)."""
        suites = list(dict.fromkeys(case.suite for case in self.result.cases))
        labels = list(CaseLabel)
        column_index = {column: n for n, column in enumerate(self.matrix_columns)}
        row_index = {row: n for n, row in enumerate(self.matrix_rows)}
        cases = [
            [
                labels.index(self.labels[index]),
                suites.index(case.suite),
                column_index[self.columns[index]],
                sum({_SEVERITY_BIT[f.severity] for f in case.findings}),
                row_index[self.rows[index] or case.suite],
            ]
            for index, case in enumerate(self.result.cases)
        ]
        data = {
            "labels": [str(label) for label in labels],
            "describe": _DESCRIBE,
            "suites": suites,
            "columns": self.matrix_columns,
            "cases": cases,
        }
        return f'<script type="application/json" id="report-data">{_json_block(data)}</script>'

    def packed_evidence(self) -> str:
        """Call after every finding was rendered: the evidence they refer to, packed (see the module doc)."""
        return (
            '<script type="application/octet-stream" id="evidence" data-encoding="gzip+base64">'
            f"{_packed(self.evidence)}</script>"
        )

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
        f"<body><main>{body}</main>{page.data()}{page.packed_evidence()}<script>{SCRIPT}</script></body></html>\n"
    )
