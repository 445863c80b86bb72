"""The references' committed known findings: few, each with a reason a person wrote."""

from __future__ import annotations

import pytest

from conformance.core.profiles import profile_for_release
from conformance.runner.baseline import load_baseline
from conformance.runner.severity_levels import rule_ids
from conformance.servers.reference import RELEASES, Release

MAX_ENTRIES = 15
"""More than this means noise (a generator or a check that is wrong), not a reference's deviations."""


@pytest.mark.parametrize("release", list(RELEASES.values()), ids=lambda r: r.id)
def test_known_findings_are_few_and_each_has_a_written_reason(release: Release) -> None:
    baseline = load_baseline(release.known_findings)
    profile = profile_for_release(release.id)
    assert profile is not None
    assert (baseline.profile, baseline.server) == (profile.id, release.id)
    assert len(baseline.entries) <= MAX_ENTRIES
    known = set(rule_ids())
    for entry in baseline.entries:
        where = f"{release.known_findings.name}: {entry.check} on {', '.join(entry.names)}"
        assert entry.check in known, f"{where}: no such rule"
        assert len(entry.reason.split()) >= 6, f"{where}: say what the server does and why it is accepted"
        assert not entry.reason.lower().startswith("observed"), f"{where}: the reason must be written, not observed"
