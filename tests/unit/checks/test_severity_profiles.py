"""conformance/checks/profiles.py: the per-profile severity table."""

from __future__ import annotations

from conformance.checks import SEVERITY_OVERRIDES, all_checks, severity_for
from conformance.core.profiles import PROFILES
from conformance.core.results import Severity
from conformance.runner.errors import PROBES
from conformance.runner.streaming import SCENARIOS


def test_the_table_names_known_profiles_checks_and_operations() -> None:
    ids = {c.id for c in all_checks()}
    operations = {p.operation for p in PROBES} | {s.operation for s in SCENARIOS}
    assert set(SEVERITY_OVERRIDES) <= set(PROFILES)
    for overrides in SEVERITY_OVERRIDES.values():
        for override in overrides:
            assert override.check_id in ids
            assert override.operations <= operations, override
            assert override.reason


def test_overrides_apply_per_profile_and_operation() -> None:
    default = Severity.MUST
    files = "GET /v1/files/{file_id}"
    stores = "GET /v1/vector_stores/{vector_store_id}"
    assert severity_for("error-unknown-id-404", default, "ogx-1.5", stores) is Severity.MAY
    assert severity_for("error-unknown-id-404", default, "ogx-1.5", files) is Severity.MUST
    assert severity_for("error-unknown-id-404", default, "unknown-profile", stores) is Severity.MUST
    assert severity_for("chat-stream-done-sentinel", Severity.SHOULD, "llama-stack-0.7", "any") is Severity.MAY
