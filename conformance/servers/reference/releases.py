"""The upstream releases the suite can run as reference servers: the references of the profiles.

The releases are not a table of their own: each is the ``reference`` of one profile in
``core/profiles.py``. This module indexes them by release id (``ogx==1.5.0``, as users type it)
and adds what running one needs that is not data (its cached environment).
"""

from __future__ import annotations

from conformance.core.errors import UsageError
from conformance.core.profiles import DEFAULT_PROFILE, PROFILES, Profile, Reference
from conformance.servers.environments import EnvSpec

__all__ = ["DEFAULT_RELEASE", "RELEASES", "Release", "env_spec", "get_release", "profile_of"]

Release = Reference
"""One upstream server release and how to install, configure and start it."""

RELEASES: dict[str, Release] = {p.reference.id: p.reference for p in PROFILES.values() if p.reference is not None}

_DEFAULT = PROFILES[DEFAULT_PROFILE].reference
assert _DEFAULT is not None, "the default profile has a reference release"
DEFAULT_RELEASE = _DEFAULT.id


def get_release(release_id: str) -> Release:
    try:
        return RELEASES[release_id.strip()]
    except KeyError:
        known = ", ".join(RELEASES)
        raise UsageError(f"unknown reference release {release_id!r} (supported: {known})") from None


def profile_of(release: Release) -> Profile:
    """The profile whose reference ``release`` is (its spec, recordings and known findings)."""
    return next(p for p in PROFILES.values() if p.reference == release)


def env_spec(release: Release) -> EnvSpec:
    """Its cached environment: the release's own requirements, nothing of ours."""
    return EnvSpec(name=release.env_name, requirements=release.requirements)
