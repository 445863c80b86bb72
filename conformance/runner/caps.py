"""Bounded findings: how much of what its cases found a run keeps.

One bad answer can make one case find without end: a 20 MB body replayed against its recording
differed at 295,361 places, and the report.json of that run weighed 1 GB. :func:`execute
<conformance.runner.base.execute>` passes every case through one :class:`FindingCaps` as it arrives,
so every suite is covered:

* a case keeps its first :data:`FINDINGS_PER_CASE` findings, and a replay case as many of its
  differences;
* a check id keeps its first :data:`FINDINGS_PER_CHECK` findings across the run;
* the rest are counted, not kept: ``CaseResult.omitted_findings`` (``ReplayDetails.omitted_differences``)
  per case, ``RunResult.omitted_findings`` per check id.

The first finding of each (check, operation, severity) in a case is always kept, over the caps: so the
baseline, stale entries, a case's ``known``/``fail`` label and the exit code see every key they saw
before, and a capped case keeps its status. Keys are few (checks times operations), so this does not
undo the bound.
"""

from __future__ import annotations

from collections import Counter

from conformance.core.results import CaseResult, Finding

__all__ = ["FINDINGS_PER_CASE", "FINDINGS_PER_CHECK", "FindingCaps", "omitted_note"]

FINDINGS_PER_CASE = 50
"""Findings (and replay differences) one case keeps."""
FINDINGS_PER_CHECK = 500
"""Findings of one check id a whole run keeps."""


def omitted_note(count: int, *, differences: bool = False) -> str:
    """``12,345 more findings not shown (cap 50 per case, 500 per check in a run)``, or of replay
    ``differences`` (capped per case only); empty for none. Every report says it in these words."""
    if not count:
        return ""
    if differences:
        return f"{count:,} more differences not shown (cap {FINDINGS_PER_CASE} per case)"
    caps = f"cap {FINDINGS_PER_CASE} per case, {FINDINGS_PER_CHECK} per check in a run"
    return f"{count:,} more findings not shown ({caps})"


class FindingCaps:
    """The caps of one run: applied to each case in run order, counting what each check id lost."""

    def __init__(self, per_case: int = FINDINGS_PER_CASE, per_check: int = FINDINGS_PER_CHECK) -> None:
        self.per_case = per_case
        self.per_check = per_check
        self.kept: Counter[str] = Counter()
        self.omitted: Counter[str] = Counter()
        """Check id -> findings not kept, over the run so far."""

    def apply(self, case: CaseResult) -> CaseResult:
        """``case`` with its findings and replay differences within the caps (itself when nothing is cut)."""
        kept: list[Finding] = []
        firsts: set[tuple[str, str, str]] = set()
        for finding in case.findings:
            key = (finding.check_id, finding.operation, finding.severity.value)
            first = key not in firsts
            firsts.add(key)
            if first or (len(kept) < self.per_case and self.kept[finding.check_id] < self.per_check):
                kept.append(finding)
                self.kept[finding.check_id] += 1
            else:
                self.omitted[finding.check_id] += 1
        update: dict[str, object] = {}
        if len(kept) < len(case.findings):
            update["findings"] = tuple(kept)
            update["omitted_findings"] = case.omitted_findings + len(case.findings) - len(kept)
        replay = case.replay
        if replay is not None and len(replay.differences) > self.per_case:
            update["replay"] = replay.model_copy(
                update={
                    "differences": replay.differences[: self.per_case],
                    "omitted_differences": replay.omitted_differences + len(replay.differences) - self.per_case,
                }
            )
        return case.model_copy(update=update) if update else case

    def by_check(self) -> dict[str, int]:
        """What ``RunResult.omitted_findings`` holds: check id -> findings not kept, sorted by id."""
        return dict(sorted(self.omitted.items()))
