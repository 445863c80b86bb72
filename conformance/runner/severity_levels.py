"""A user's own severity levels: ``--severity-levels FILE``, like oasdiff's severity-levels file.

Every rule has one severity, the one the contract gives it (the check registry, the property
suite's table, the diff rules' levels). A team that weighs a rule differently says so in a file of
its own, one rule a line::

    # rule id                   level
    chat-stream-done-sentinel   must
    unsupported_method          off

Levels are ``must``, ``should``, ``may`` or ``off``. ``off`` drops the rule's findings; a case that
judges that rule alone becomes ``disabled``. The file changes how findings are weighed, never what
the suite sends, so two runs with and without it see the same server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from conformance.core.errors import UsageError
from conformance.core.results import CaseResult, Finding, Severity, Status
from conformance.core.yaml_files import read_user_text
from conformance.runner.base import case_status

__all__ = ["SeverityLevels", "load_severity_levels"]

_OFF = "off"
_LEVELS = {"must": Severity.MUST, "should": Severity.SHOULD, "may": Severity.MAY, _OFF: None}


@dataclass(frozen=True)
class SeverityLevels:
    """Rule id -> the severity its findings get (``None``: off)."""

    levels: Mapping[str, Severity | None] = field(default_factory=dict)
    source: str = "--severity-levels"
    """Where the levels came from, for the reason of a case they turn off."""

    def is_off(self, rule_id: str) -> bool:
        return rule_id in self.levels and self.levels[rule_id] is None

    def _finding(self, finding: Finding) -> Finding | None:
        if finding.check_id not in self.levels:
            return finding
        level = self.levels[finding.check_id]
        if level is None:
            return None
        return finding if level is finding.severity else finding.model_copy(update={"severity": level})

    def apply(self, case: CaseResult, fail_on: Severity) -> CaseResult:
        """``case`` with its findings re-weighed and its status recomputed from them."""
        if not self.levels:
            return case
        rule = case.check_id
        if rule is not None and self.is_off(rule):
            return case.model_copy(
                update={"status": Status.DISABLED, "findings": (), "reason": f"{rule} is off in {self.source}"}
            )
        findings = tuple(f for f in (self._finding(f) for f in case.findings) if f is not None)
        if findings == case.findings:
            return case
        status = case.status
        if status in (Status.PASS, Status.FAIL):
            status = case_status(findings, fail_on)
        return case.model_copy(update={"findings": findings, "status": status})


def load_severity_levels(path: Path, known_rules: Iterable[str]) -> SeverityLevels:
    """Read ``path``; a malformed line or an unknown rule id is a usage error naming the file and line."""
    text = read_user_text(path, f"severity levels {path}")
    known = set(known_rules)
    levels: dict[str, Severity | None] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"severity levels {path}, line {number}"
        parts = line.split()
        if len(parts) != 2 or parts[1].lower() not in _LEVELS:
            raise UsageError(f"{where}: expected '<rule id> must|should|may|off', got {line!r}")
        rule, level = parts[0], parts[1].lower()
        if rule not in known:
            close = sorted(k for k in known if rule.replace("_", "-") in k.replace("_", "-"))[:3]
            hint = f" (did you mean {', '.join(close)}?)" if close else " (see docs/checks.md and docs/replay.md)"
            raise UsageError(f"{where}: unknown rule {rule!r}{hint}")
        if rule in levels:
            raise UsageError(f"{where}: {rule} is given twice")
        levels[rule] = _LEVELS[level]
    return SeverityLevels(levels, source=str(path))


def rule_ids() -> list[str]:
    """Every rule a finding can name: our checks, the property suite's Schemathesis checks, the diff rules,
    the clients suite's SDK flows."""
    from conformance.checks import all_checks
    from conformance.diff.rules import RULES
    from conformance.runner.clients import client_rule_ids
    from conformance.runner.property import SCHEMATHESIS_CHECKS

    return [*(c.id for c in all_checks()), *SCHEMATHESIS_CHECKS, *(r.id for r in RULES), *client_rule_ids()]
