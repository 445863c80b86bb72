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
    ids: tuple[tuple[str, str], ...] = ()
    """Id formats as (parameter or request field name, regular expression), learned from the reference.

    The property suite lays them over the spec as generation hints (``conformance.spec.hints``):
    positive cases then send well-formed ids of resources that do not exist, negative cases
    malformed ones. ``tests/unit/core/test_profiles.py`` checks them against the recordings."""

    @property
    def spec_path(self) -> Path:
        return openapi_dir() / f"{self.id}.yaml"

    @property
    def id_formats(self) -> dict[str, str]:
        return dict(self.ids)


_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
_RESPONSE = f"resp_{_UUID}"
_CONVERSATION = "conv_[0-9a-f]{48}"
_FILE = "file-[0-9a-f]{32}"
_VECTOR_STORE = f"vs_{_UUID}"

# The formats every release of the lineage generates (ids seen in the references' recordings and in
# the servers' own validation messages, e.g. "'conv_' followed by 48 lowercase hex characters").
_OPENAI_STYLE_IDS: tuple[tuple[str, str], ...] = (
    ("response_id", _RESPONSE),
    ("previous_response_id", _RESPONSE),
    ("conversation_id", _CONVERSATION),
    ("conversation", _CONVERSATION),
    ("item_id", f"msg_(?:{_UUID}|[0-9a-f]{{48}})"),  # items a response added, items added to a conversation
    ("file_id", _FILE),
    ("file_ids", _FILE),
    ("vector_store_id", _VECTOR_STORE),
    ("vector_store_ids", _VECTOR_STORE),
    ("batch_id", f"batch_{_UUID}"),
    ("completion_id", "chatcmpl-[0-9a-f]{24}"),
    ("prompt_id", "pmpt_[0-9a-f]{48}"),
)
_AGENT_IDS: tuple[tuple[str, str], ...] = (
    ("agent_id", _UUID),
    ("session_id", _UUID),
    ("turn_id", _UUID),
    ("step_id", _UUID),
)

PROFILES: dict[str, Profile] = {
    p.id: p
    for p in (
        Profile(
            "llama-stack-0.3",
            "Llama Stack 0.3 (with the Agents API)",
            "llama-stack==0.3.0",
            has_agents=True,
            ids=(*_OPENAI_STYLE_IDS, *_AGENT_IDS),
        ),
        Profile("llama-stack-0.7", "Llama Stack 0.7", "llama-stack==0.7.3", ids=_OPENAI_STYLE_IDS),
        Profile("ogx-1.5", "OGX 1.5", "ogx==1.5.0", ids=_OPENAI_STYLE_IDS),
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
