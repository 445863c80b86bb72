"""spec-diff's outputs: text, Markdown, JSON and JUnit, each a pure function of a :class:`SpecDiffReport`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Literal

from conformance.specdiff.model import Change, Level

__all__ = ["FORMATS", "Format", "SpecDiffReport", "render"]

Format = Literal["text", "markdown", "json", "junit"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "json", "junit")


@dataclass(frozen=True, slots=True)
class SpecDiffReport:
    old: str
    new: str
    changes: list[Change]
    """Every change the rules found that the ignore file does not list."""
    fail_on: Level = Level.ERR
    ignored: list[Change] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(change.level.value for change in self.changes)

    @property
    def failing(self) -> list[Change]:
        return [c for c in self.changes if c.level.rank >= self.fail_on.rank]

    def ordered(self) -> list[Change]:
        """Most severe first, then by operation, rule and location."""
        return sorted(self.changes, key=lambda c: (-c.level.rank, c.operation, c.rule, c.location))


def _count_line(report: SpecDiffReport) -> str:
    counts = report.counts()
    text = ", ".join(f"{counts[level.value]} {level.value}" for level in Level)
    ignored = f" ({len(report.ignored)} ignored)" if report.ignored else ""
    return f"{len(report.changes)} changes from {report.old} to {report.new}: {text}{ignored}"


def _text(report: SpecDiffReport) -> str:
    lines = [f"{c.level.value:<4} {c.rule}  {c.operation}  {c.message}" for c in report.ordered()]
    return "\n".join([*lines, _count_line(report)]) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(report: SpecDiffReport) -> str:
    lines = [f"# spec-diff: {report.old} → {report.new}", "", _count_line(report), ""]
    if report.changes:
        lines += ["| level | rule | operation | change |", "|---|---|---|---|"]
        lines += [
            f"| {c.level.value} | `{c.rule}` | `{_cell(c.operation)}` | {_cell(c.message)} |" for c in report.ordered()
        ]
    return "\n".join(lines) + "\n"


def _as_dict(change: Change) -> dict[str, str]:
    return {
        "rule": change.rule,
        "level": change.level.value,
        "direction": change.direction.value,
        "area": change.area.value,
        "operation": change.operation,
        "location": change.location,
        "message": change.message,
    }


def _json(report: SpecDiffReport) -> str:
    document = {
        "old": report.old,
        "new": report.new,
        "fail_on": report.fail_on.value,
        "counts": {level.value: report.counts()[level.value] for level in Level},
        "changes": [_as_dict(c) for c in report.ordered()],
        "ignored": [_as_dict(c) for c in report.ignored],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _junit(report: SpecDiffReport) -> str:
    """One test case per operation that changed; a failure when one of its changes is at or above --fail-on."""
    per: dict[str, list[Change]] = defaultdict(list)
    for change in report.ordered():
        per[change.operation].append(change)
    failures = sum(1 for changes in per.values() if any(c.level.rank >= report.fail_on.rank for c in changes))
    suite = ET.Element(
        "testsuite", name="spec-diff", tests=str(len(per)), failures=str(failures), errors="0", skipped="0"
    )
    for operation in sorted(per):
        case = ET.SubElement(suite, "testcase", classname="spec-diff", name=operation)
        body = "\n".join(f"{c.level.value} {c.rule}: {c.message}" for c in per[operation])
        gating = [c for c in per[operation] if c.level.rank >= report.fail_on.rank]
        if gating:
            failure = ET.SubElement(
                case, "failure", message=f"{gating[0].rule}: {gating[0].message}", type=gating[0].rule
            )
            failure.text = body
        else:
            ET.SubElement(case, "system-out").text = body
    suites = ET.Element("testsuites", name=f"spec-diff {report.old} -> {report.new}")
    suites.append(suite)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def render(report: SpecDiffReport, output: Format) -> str:
    return {"text": _text, "markdown": _markdown, "json": _json, "junit": _junit}[output](report)


def render_rule_table() -> str:
    """``docs/spec-diff.md``: the rule table as documentation (a unit test keeps it in step)."""
    from conformance.specdiff.rules import RULES

    lines = [
        "# spec-diff rules",
        "",
        "`conformance spec-diff OLD NEW` (OLD and NEW: spec files or profile ids) reports every change",
        "from OLD to NEW that one of these rules finds. ERR: a client of OLD breaks; WARN: it may break;",
        "INFO: it does not. `--fail-on ERR|WARN|INFO` (default ERR) sets what exits 1; `--ignore FILE`",
        "takes a YAML list of `{rule, operation, reason}` entries for changes made on purpose (the",
        "reason is mandatory). `--format text|markdown|json|junit`.",
        "",
        "Schemas are compared with `$ref`s followed, `allOf` merged, null (type lists, `anyOf` null",
        "branches, `nullable`) as one flag, unions matched branch by branch by their discriminating",
        "constant, and stream events (`text/event-stream`) by event type. Ids are oasdiff's where",
        "oasdiff has the rule; unlike oasdiff, removing an optional response property is ERR.",
        "",
        "Generated from `conformance/specdiff/rules.py`; do not edit by hand.",
        "",
        "| rule | level | direction | area | meaning |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| `{r.id}` | {r.level.value} | {r.direction.value} | {r.area.value} | {r.description} |" for r in RULES]
    return "\n".join(lines) + "\n"
