"""Where each profile's spec comes from: the ``source`` of each profile in ``core/profiles.py``.

The exporter's environment pins the toolchain (pydantic, FastAPI, starlette, openai) so that
re-exporting gives the same bytes until someone changes a pin on purpose.
"""

from __future__ import annotations

from conformance.core.errors import UsageError
from conformance.core.profiles import PROFILES, SpecSource
from conformance.servers.environments import EnvSpec

__all__ = ["SOURCES", "TOOLCHAIN", "ExportSource", "env_spec", "get_source"]

TOOLCHAIN = ("fastapi==0.165.0", "pydantic==2.14.3", "starlette==1.10.0", "openai==3.54.0")

ExportSource = SpecSource

SOURCES: dict[str, ExportSource] = {p.id: p.source for p in PROFILES.values() if p.source is not None}
"""Profile id -> where its spec is exported from (profiles without a source bring their own spec)."""


def get_source(profile_id: str) -> ExportSource:
    try:
        return SOURCES[profile_id]
    except KeyError:
        raise UsageError(f"no export source for profile {profile_id!r} (known: {', '.join(SOURCES)})") from None


def env_spec(source: ExportSource) -> EnvSpec:
    """The exporter's cached environment: the definitions package and the pinned toolchain."""
    requirements = (source.requirement, *TOOLCHAIN, *source.extra_requirements)
    return EnvSpec(name=f"spec-{source.dist}-{source.version}", requirements=requirements)
