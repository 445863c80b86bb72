"""Where each profile's spec comes from: one row per profile.

The API set of a profile is what its reference server serves with our reference configuration
(``servers/reference/config.py``): the configured APIs, the routing-table APIs they imply and the
APIs every server of that release adds on its own (inspect, providers, prompts, conversations, and
admin/connectors in the later releases). A conformant server of that version exposes exactly these
operations; the integration test compares the operation sets with the served ``/openapi.json``.

The exporter's environment pins the toolchain (pydantic, FastAPI, starlette, openai) so that
re-exporting gives the same bytes until someone changes a pin on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from conformance.core.errors import UsageError
from conformance.servers.environments import EnvSpec

__all__ = ["SOURCES", "TOOLCHAIN", "ExportSource", "get_source"]

TOOLCHAIN = ("fastapi==0.165.0", "pydantic==2.14.3", "starlette==1.10.0", "openai==3.54.0")
_FORMS = ("python-multipart==0.0.34",)
_COMPLETION_CHUNKS = ("OpenAICompletionChoice", "finish_reason")
"""Streamed completions reuse OpenAICompletion for each chunk, and every chunk but the last has
finish_reason null (as in OpenAI's API)."""
"""FastAPI refuses to build routes with form or file parameters without python-multipart."""


@dataclass(frozen=True, slots=True)
class ExportSource:
    profile: str
    style: Literal["webmethods", "routers"]
    """``webmethods``: walk ``@webmethod`` protocol classes; ``routers``: ``create_router`` per API."""
    dist: str
    """The distribution that holds the protocol definitions."""
    version: str
    module: str
    """Its top-level Python module."""
    apis: tuple[str, ...]
    """API names; ``api=package`` where the package under ``module`` is named differently."""
    envelope: Literal["llama-stack-0.3", "openai"]
    """Which error envelope the release's exception handlers produce (see ``errors.py``)."""
    extra_requirements: tuple[str, ...] = ()
    """What the package imports without declaring it (or FastAPI needs for its form routes)."""
    served_nulls: tuple[tuple[str, str], ...] = ()
    """``(schema, property)`` the reference sends as ``null`` although the protocol type says it never
    is; the spec accepts null there (each one shown by the integration test against the reference)."""

    @property
    def requirement(self) -> str:
        return f"{self.dist}=={self.version}"

    @property
    def env_spec(self) -> EnvSpec:
        requirements = (self.requirement, *TOOLCHAIN, *self.extra_requirements)
        return EnvSpec(name=f"spec-{self.dist}-{self.version}", requirements=requirements)

    @property
    def api_names(self) -> tuple[str, ...]:
        return tuple(a.partition("=")[0] for a in self.apis)


SOURCES: dict[str, ExportSource] = {
    s.profile: s
    for s in (
        ExportSource(
            profile="llama-stack-0.3",
            style="webmethods",
            dist="llama-stack",
            version="0.3.0",
            module="llama_stack",
            # agents, files, inference, safety, tool_runtime, vector_io (configured); models, shields,
            # tool_groups (their routing tables); inspect, providers, prompts, conversations (always on).
            apis=(
                "agents",
                "conversations",
                "files",
                "inference",
                "inspect",
                "models",
                "prompts",
                "providers",
                "safety",
                "shields",
                "tool_groups",
                "tool_runtime",
                "vector_io",
            ),
            envelope="llama-stack-0.3",
            # The 0.3 server streams the provider's chunks without validating them; OpenAI's chunk has
            # finish_reason null until the last chunk, the protocol type says str.
            served_nulls=(("OpenAIChunkChoice", "finish_reason"), _COMPLETION_CHUNKS),
        ),
        ExportSource(
            profile="llama-stack-0.7",
            style="routers",
            dist="llama-stack-api",
            version="0.7.3",
            module="llama_stack_api",
            # files, inference, responses, tool_runtime (no router), vector_io (configured); models,
            # tool_groups (routing tables); admin, inspect, providers, prompts, conversations,
            # connectors (always on).
            apis=(
                "admin",
                "connectors",
                "conversations",
                "files",
                "inference",
                "inspect=inspect_api",
                "models",
                "prompts",
                "providers",
                "responses",
                "tool_groups=tools",
                "vector_io",
            ),
            envelope="openai",
            # llama_stack_api.common.errors imports httpx without declaring it.
            extra_requirements=(*_FORMS, "httpx==0.28.1"),
            served_nulls=(_COMPLETION_CHUNKS,),
        ),
        ExportSource(
            profile="ogx-1.5",
            style="routers",
            dist="ogx-api",
            version="1.5.0",
            module="ogx_api",
            # As 0.7 without connectors and tool_groups: OGX moved them under admin. Plus
            # file_processors (configured: OGX ingests vector store files only through one).
            apis=(
                "admin",
                "conversations",
                "file_processors",
                "files",
                "inference",
                "inspect=inspect_api",
                "models",
                "prompts",
                "providers",
                "responses",
                "vector_io",
            ),
            envelope="openai",
            extra_requirements=_FORMS,
            served_nulls=(_COMPLETION_CHUNKS,),
        ),
    )
}


def get_source(profile_id: str) -> ExportSource:
    try:
        return SOURCES[profile_id]
    except KeyError:
        raise UsageError(f"no export source for profile {profile_id!r} (known: {', '.join(SOURCES)})") from None
