from __future__ import annotations

import pytest

from conformance.core.errors import ExitCode, UsageError
from conformance.core.profiles import PROFILES
from conformance.servers.reference.releases import DEFAULT_RELEASE, RELEASES, get_release


def test_the_default_release_is_ogx_1_5() -> None:
    assert DEFAULT_RELEASE == "ogx==1.5.0"
    assert get_release(DEFAULT_RELEASE).server == "ogx"


@pytest.mark.parametrize("bad", ["ogx==9.9", "ogx", "llama-stack==0.3", ""])
def test_unknown_release_is_a_usage_error_listing_the_supported_ones(bad: str) -> None:
    with pytest.raises(UsageError) as info:
        get_release(bad)
    assert info.value.exit_code is ExitCode.USAGE
    assert "ogx==1.5.0" in info.value.message
    assert "\n" not in info.value.message


def test_every_profile_has_a_reference_release() -> None:
    assert {p.reference.id for p in PROFILES.values() if p.reference} == set(RELEASES)


def test_mcp_pins_follow_the_measured_incompatibilities() -> None:
    assert "mcp<2" in RELEASES["llama-stack==0.7.3"].requirements
    assert "mcp>=2" in RELEASES["ogx==1.5.0"].requirements


def test_ogx_runs_insecure_because_it_refuses_plain_http_otherwise() -> None:
    assert "--insecure" in RELEASES["ogx==1.5.0"].extra_run_args
