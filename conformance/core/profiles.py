"""API profiles: one per API version the suite can judge, each with its own spec in ``openapi/``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conformance.core.errors import UsageError

__all__ = ["DEFAULT_PROFILE", "PROFILES", "Profile", "get_profile", "openapi_dir", "profile_for_release"]


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    """Stable id, also the spec's file stem: ``openapi/<id>.yaml``."""
    title: str
    reference: str
    """The upstream release whose protocol definitions define the profile and whose server is its reference."""
    has_agents: bool = False

    @property
    def spec_path(self) -> Path:
        return openapi_dir() / f"{self.id}.yaml"


PROFILES: dict[str, Profile] = {
    p.id: p
    for p in (
        Profile("llama-stack-0.3", "Llama Stack 0.3 (with the Agents API)", "llama-stack==0.3.0", has_agents=True),
        Profile("llama-stack-0.7", "Llama Stack 0.7", "llama-stack==0.7.3"),
        Profile("ogx-1.5", "OGX 1.5", "ogx==1.5.0"),
    )
}

DEFAULT_PROFILE = "ogx-1.5"


def get_profile(profile_id: str) -> Profile:
    try:
        return PROFILES[profile_id]
    except KeyError:
        known = ", ".join(PROFILES)
        raise UsageError(f"unknown profile {profile_id!r} (known: {known})") from None


def profile_for_release(release: str) -> Profile | None:
    return next((p for p in PROFILES.values() if p.reference == release), None)


def openapi_dir() -> Path:
    """Where the exported specs live: the source tree's ``openapi/`` or the copy bundled in a wheel."""
    package_root = Path(__file__).resolve().parents[1]
    for candidate in (package_root.parent / "openapi", package_root / "_data" / "openapi"):
        if candidate.is_dir():
            return candidate
    return package_root.parent / "openapi"
