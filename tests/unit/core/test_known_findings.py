"""The built-in profiles' committed known findings: few, each with a reason a person wrote."""

from __future__ import annotations

import pytest

from conformance.core.profiles import PROFILES, Profile
from conformance.runner.baseline import load_baseline
from conformance.runner.severity_levels import rule_ids

MAX_ENTRIES = 16
"""More than this means noise (a generator or a check that is wrong), not a reference's deviations. An
entry is one cause (``operations`` and ``also`` group what it breaks); Llama Stack 0.3.0, with its legacy
surface judged by the property, streaming, errors and clients suites, has 16 distinct causes."""

WITH_REFERENCE = [p for p in PROFILES.values() if p.reference is not None]


@pytest.mark.parametrize("profile", WITH_REFERENCE, ids=lambda p: p.id)
def test_known_findings_are_few_and_each_has_a_written_reason(profile: Profile) -> None:
    assert profile.reference is not None
    baseline = load_baseline(profile.known_findings)
    assert (baseline.profile, baseline.server) == (profile.id, profile.reference.id)
    assert len(baseline.entries) <= MAX_ENTRIES
    known = set(rule_ids())
    for entry in baseline.entries:
        where = f"{profile.id}/{profile.known_findings.name}: {entry.check} on {', '.join(entry.names)}"
        assert entry.check in known, f"{where}: no such rule"
        assert all(more.check in known for more in entry.also), f"{where}: no such rule among 'also'"
        assert len(entry.reason.split()) >= 6, f"{where}: say what the server does and why it is accepted"
        assert not entry.reason.lower().startswith("observed"), f"{where}: the reason must be written, not observed"
