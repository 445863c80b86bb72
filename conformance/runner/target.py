"""Identifying the server under test: reachability, version and the profile to judge it by."""

from __future__ import annotations

from conformance.core.client import TargetClient
from conformance.core.errors import HarnessError, UsageError
from conformance.core.profiles import PROFILES, Profile, get_profile
from conformance.core.results import Target

__all__ = ["detect_profile", "probe_target"]

# Version prefixes the upstream releases report on /v1/version.
_VERSION_PREFIXES = {"0.3.": "llama-stack-0.3", "0.7.": "llama-stack-0.7", "1.5.": "ogx-1.5"}
_SERVER_BY_PROFILE = {"llama-stack-0.3": "llama-stack", "llama-stack-0.7": "llama-stack", "ogx-1.5": "ogx"}


def detect_profile(version: str | None) -> Profile:
    """The profile for a reported server version, or a usage error asking for ``--profile``."""
    for prefix, profile_id in _VERSION_PREFIXES.items():
        if version and version.startswith(prefix):
            return PROFILES[profile_id]
    shown = f"version {version!r}" if version else "no version on /v1/version"
    raise UsageError(f"cannot tell which profile to use from {shown}; pass --profile ({', '.join(PROFILES)})")


def _server_family(version: str | None) -> str | None:
    """The upstream family a version number belongs to; ``None`` for versions no release of ours has."""
    for prefix, profile_id in _VERSION_PREFIXES.items():
        if version and version.startswith(prefix):
            return _SERVER_BY_PROFILE[profile_id]
    return None


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
