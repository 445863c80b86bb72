"""Identifying the server under test: reachability, version and the profile to judge it by."""

from __future__ import annotations

from conformance.core.client import TargetClient
from conformance.core.errors import HarnessError, UsageError
from conformance.core.profiles import PROFILES, Profile, get_profile, loaded_profiles
from conformance.core.results import Target

__all__ = ["detect_profile", "probe_target"]


def _recognising(version: str | None) -> Profile | None:
    """The known profile whose ``versions`` prefix matches what the server reports on ``/v1/version``;
    the longest prefix wins, so a profile for ``1.5.1`` is chosen over one for ``1.5.``."""
    if version is None:
        return None
    matches = [(len(prefix), p) for p in loaded_profiles() for prefix in p.versions if version.startswith(prefix)]
    return max(matches, key=lambda match: match[0])[1] if matches else None


def detect_profile(version: str | None) -> Profile:
    """The profile for a reported server version, or a usage error asking for ``--profile``."""
    found = _recognising(version)
    if found is not None:
        return found
    shown = f"version {version!r}" if version else "no version on /v1/version"
    raise UsageError(
        f"cannot tell which profile to use from {shown}; pass --profile ({', '.join(PROFILES)} or a profile folder)"
    )


def _server_family(version: str | None) -> str | None:
    """The upstream family a version number belongs to; ``None`` for versions no release of ours has."""
    found = _recognising(version)
    return found.server if found is not None else None


def _reported_version(client: TargetClient) -> str | None:
    response = client.request("GET", "/v1/version")
    if response.status_code != 200:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    version = body.get("version") if isinstance(body, dict) else None
    return version if isinstance(version, str) else None


def probe_target(
    client: TargetClient, *, profile_id: str | None, server: str | None = None, embedded: bool = False
) -> tuple[Target, Profile]:
    """Check the server answers at all (else a harness error, exit 3) and describe it."""
    health = client.request("GET", "/v1/health")
    if health.status_code >= 500 or "html" in health.headers.get("content-type", ""):
        raise HarnessError(
            f"{client.settings.base_url} does not look like a Llama Stack / OGX server "
            f"(GET /v1/health answered {health.status_code} {health.headers.get('content-type', '')})"
        )
    version = _reported_version(client)
    profile = get_profile(profile_id) if profile_id else detect_profile(version)
    if server is None:
        server = _server_family(version)
    target = Target(
        base_url=client.settings.base_url, profile=profile.id, server=server, version=version, embedded=embedded
    )
    return target, profile
