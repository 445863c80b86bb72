"""API profiles: one per API version the suite can judge, each with its own spec in ``openapi/``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from conformance.core.errors import UsageError

__all__ = [
    "DEFAULT_PROFILE",
    "IMPLIED_APIS",
    "PROFILES",
    "Profile",
    "get_profile",
    "known_apis",
    "openapi_dir",
    "parse_apis",
    "profile_for_release",
]

IMPLIED_APIS = frozenset({"models"})
"""Selected whatever ``--api`` says: suites pick their model from ``GET /v1/models``, and every
OpenAI-compatible server lists its models."""

_VERSION_PREFIX = re.compile(r"^/v\d+(?:alpha|beta)?(?:/openai/v\d+)?(?=/|$)")
"""``/v1``, ``/v1alpha``, ``/v1beta`` and Llama Stack 0.3's ``/v1/openai/v1`` alias prefix."""

# Path segments whose API is named otherwise (everything else: the segment, ``_`` as ``-``).
_API_OF_SEGMENT: tuple[tuple[str, str], ...] = (
    ("health", "inspect"),
    ("version", "inspect"),
    ("inference", "rerank"),  # /v1alpha/inference/rerank is its only operation
)


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
    apis: tuple[str, ...] = ()
    """The API groups ``--api`` selects from: every operation of the spec belongs to exactly one,
    :meth:`api_of` its path (``tests/unit/core/test_profile_apis.py`` checks this list against the spec)."""
    api_of_segment: tuple[tuple[str, str], ...] = _API_OF_SEGMENT
    """Path segments (after the version prefix) whose API group is not the segment itself."""

    def api_of(self, operation: str) -> str:
        """The API group of ``'POST /v1/chat/completions'`` or of a path, templated or concrete: the
        first path segment after the version prefix (``chat``, ``responses``, ``vector-stores``).

        The spec's tags are not used: they differ between releases for the same paths (Responses are
        tagged ``Agents`` in Llama Stack 0.3, Vector Stores ``VectorIO`` before OGX) and ``Inference``
        lumps chat, completions, embeddings and rerank together; the path is what a client calls.
        """
        path = operation.split(" ", 1)[-1].split("?", 1)[0]
        rest = _VERSION_PREFIX.sub("", path).strip("/")
        segment = rest.split("/", 1)[0]
        return dict(self.api_of_segment).get(segment, segment.replace("_", "-"))

    def select_apis(self, names: Iterable[str]) -> frozenset[str]:
        """The groups ``--api`` named plus :data:`IMPLIED_APIS`; empty (everything) when none are named.

        A name the profile does not have is a usage error listing the ones it has."""
        wanted = frozenset(names)
        if not wanted:
            return frozenset()
        unknown = sorted(wanted - set(self.apis))
        if unknown:
            raise UsageError(f"profile {self.id} has no API {unknown[0]!r} (its APIs: {', '.join(self.apis)})")
        return wanted | (IMPLIED_APIS & set(self.apis))

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


def _sorted(*apis: str) -> tuple[str, ...]:
    return tuple(sorted(apis))


# API groups by the first path segment after the version (see Profile.api_of), as the specs have them.
_OPENAI_APIS = ("chat", "completions", "conversations", "embeddings", "files", "inspect", "models", "prompts")
_COMMON_APIS = (*_OPENAI_APIS, "providers", "rerank", "responses", "vector-io", "vector-stores")

PROFILES: dict[str, Profile] = {
    p.id: p
    for p in (
        Profile(
            "llama-stack-0.3",
            "Llama Stack 0.3 (with the Agents API)",
            "llama-stack==0.3.0",
            has_agents=True,
            ids=(*_OPENAI_STYLE_IDS, *_AGENT_IDS),
            apis=_sorted(
                *_COMMON_APIS, "agents", "moderations", "safety", "shields", "tool-runtime", "toolgroups", "tools"
            ),
        ),
        Profile(
            "llama-stack-0.7",
            "Llama Stack 0.7",
            "llama-stack==0.7.3",
            ids=_OPENAI_STYLE_IDS,
            apis=_sorted(*_COMMON_APIS, "admin", "connectors", "tools"),
        ),
        Profile(
            "ogx-1.5",
            "OGX 1.5",
            "ogx==1.5.0",
            ids=_OPENAI_STYLE_IDS,
            apis=_sorted(*_COMMON_APIS, "admin", "file-processors"),
        ),
    )
}

DEFAULT_PROFILE = "ogx-1.5"


def get_profile(profile_id: str) -> Profile:
    try:
        return PROFILES[profile_id]
    except KeyError:
        known = ", ".join(PROFILES)
        raise UsageError(f"unknown profile {profile_id!r} (known: {known})") from None


def known_apis() -> tuple[str, ...]:
    """Every API group some profile has, sorted (what ``--api`` accepts before the profile is known)."""
    return tuple(sorted({api for profile in PROFILES.values() for api in profile.apis}))


def parse_apis(values: Iterable[str]) -> tuple[str, ...]:
    """``--api responses,chat`` (comma-separated, repeatable) as sorted group ids; a name no profile
    has is a usage error listing the known ones."""
    names = sorted({n.strip().lower() for value in values for n in value.split(",") if n.strip()})
    unknown = [n for n in names if n not in known_apis()]
    if unknown:
        raise UsageError(f"unknown API {unknown[0]!r} for --api (known: {', '.join(known_apis())})")
    return tuple(names)


def profile_for_release(release: str) -> Profile | None:
    return next((p for p in PROFILES.values() if p.reference == release), None)


def openapi_dir() -> Path:
    """Where the exported specs live: the source tree's ``openapi/`` or the copy bundled in a wheel."""
    package_root = Path(__file__).resolve().parents[1]
    for candidate in (package_root.parent / "openapi", package_root / "_data" / "openapi"):
        if candidate.is_dir():
            return candidate
    return package_root.parent / "openapi"
