"""``junit.xml`` for CI test views (GitLab, Jenkins, GitHub test-reporter actions).

One ``<testsuite>`` per suite and one ``<testcase>`` per case (classname = suite, name = case id).
``fail`` becomes ``<failure>``, ``error`` ``<error>``, ``skip``/``disabled`` ``<skipped>``. A failed
case whose findings the baseline expected is ``<skipped>`` too (a known failure must not turn the CI
view red while the run exits 0). Findings' messages and curl reproductions form the element bodies.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from conformance.core.results import CaseResult, Finding, RunResult
from conformance.reports.model import CaseLabel, case_label
from conformance.runner.caps import omitted_note

__all__ = ["render_junit"]

_INVALID_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    """XML 1.0 cannot carry control characters, whatever a server put in its body."""
    return _INVALID_XML.sub("\ufffd", text)


def _finding_text(finding: Finding) -> str:
    lines = [f"[{finding.severity}] {finding.check_id} on {finding.operation}: {finding.message}"]
    if finding.reproduction:
        lines.append(f"  reproduce: {finding.reproduction}")
    return "\n".join(lines)


def _body(findings: Iterable[Finding], note: str = "") -> str:
    return _clean("\n\n".join([*(_finding_text(f) for f in findings), *([note] if note else [])]))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
    if text:
        element.text = text
    return element


def _testcase(parent: ET.Element, result: RunResult, case: CaseResult) -> None:
    element = _sub(parent, "testcase", classname=case.suite, name=case.id, time=f"{case.duration_s:.3f}")
    label = case_label(result, case)
    gating = [f for f in case.findings if result.gates(f)]
    first = gating[0] if gating else None
    note = omitted_note(case.omitted_findings)
    if label is CaseLabel.FAIL and first is not None:
        message = f"{first.check_id}: {first.message}"
        _sub(element, "failure", _body(gating, note), message=message, type=first.check_id)
        note = ""
    elif label is CaseLabel.KNOWN and first is not None:
        _sub(element, "skipped", _body(gating, note), message=f"known failure (baselined): {first.check_id}")
        note = ""
    elif label is CaseLabel.ERROR:
        _sub(element, "error", _clean(case.error or ""), message=case.error or "harness error", type="harness")
    elif label in (CaseLabel.SKIP, CaseLabel.DISABLED):
        _sub(element, "skipped", message=f"{label}: {case.reason or ''}".rstrip(": "))
    warnings = [f for f in case.findings if not result.gates(f)]
    if warnings or note:
        heading = "Findings below --fail-on:\n" if warnings else ""
        _sub(element, "system-out", heading + _body(warnings, note))


def render_junit(result: RunResult) -> str:
    target = result.target
    root = ET.Element("testsuites", {"name": _clean(f"conformance: {target.label}")})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_time = 0.0
    for suite in dict.fromkeys(case.suite for case in result.cases):
        cases = [c for c in result.cases if c.suite == suite]
        labels = [case_label(result, c) for c in cases]
        counts = {
            "tests": len(cases),
            "failures": labels.count(CaseLabel.FAIL),
            "errors": labels.count(CaseLabel.ERROR),
            "skipped": sum(1 for label in labels if label in (CaseLabel.SKIP, CaseLabel.DISABLED, CaseLabel.KNOWN)),
        }
        seconds = sum(c.duration_s for c in cases)
        element = _sub(
            root,
            "testsuite",
            name=suite,
            timestamp=result.started_at.isoformat(timespec="seconds"),
            time=f"{seconds:.3f}",
            **{k: str(v) for k, v in counts.items()},
        )
        properties = _sub(element, "properties")
        for name, value in (
            ("base_url", target.base_url),
            ("profile", target.profile),
            ("server", target.server),
            ("version", target.version),
            ("apis", ",".join(target.apis)),
            ("suite_version", result.suite_version),
            ("fail_on", str(result.fail_on)),
        ):
            if value:
                _sub(properties, "property", name=name, value=value)
        for case in cases:
            _testcase(element, result, case)
        totals = {k: totals[k] + counts[k] for k in totals}
        total_time += seconds
    root.attrib.update({k: str(v) for k, v in totals.items()} | {"time": f"{total_time:.3f}"})
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
