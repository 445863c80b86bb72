"""Profiles: the one table of what the suite can judge, one entry per API version.

A profile is one unit of data: its spec, its reference release (how to install and configure it),
how to recognise it from ``/v1/version``, the id format of each resource, its API groups, its
scenarios, its severity levels and its known findings. Every other table derives from
:data:`PROFILES` (the reference releases, the spec export sources, version detection, CLI choices,
noxfile sessions and the tests that loop over profiles). A user's profile is a folder with a
``profile.yaml`` of the same fields (``core/profile_dir.py``), registered here when it is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from conformance.core.errors import UsageError

__all__ = [
    "DEFAULT_PROFILE",
    "IMPLIED_APIS",
    "PROFILES",
    "Profile",
    "Reference",
    "SpecSource",
    "builtin_data_dir",
    "check_api_names",
    "get_profile",
    "known_apis",
    "loaded_profiles",
    "openapi_dir",
    "parse_apis",
    "profile_for_release",
    "recordings_root",
    "register_profile",
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
class Reference:
    """The upstream release a profile's reference server runs, and how to install, configure and start it."""

    id: str
    """``name==version``, as users type it: ``ogx==1.5.0``."""
    server: str
    """Server family: ``ogx`` or ``llama-stack``."""
    version: str
    requirements: tuple[str, ...]
    entry_point: str
    """``module:function`` of the upstream CLI, called in-process by our bootstrap."""
    run_args: tuple[str, ...]
    """Arguments to the CLI before ``CONFIG --port PORT``."""
    extra_run_args: tuple[str, ...] = ()
    config_dir_env: str = "LLAMA_STACK_CONFIG_DIR"
    """Environment variable that moves the server's home directory into our state directory."""
    log_format_env: str | None = None
    """Environment variable that switches the server's logs to JSON lines. Its default console logs
    render every error's traceback with rich, locals included: seconds of CPU per error answer,
    and the property suite provokes hundreds of them (it measured 15 s per request on 2 cores)."""
    legacy_agents: bool = False
    """0.3.x: ``image_name``, the ``agents`` + ``safety`` APIs, ``inline::rag-runtime``, no prompts store."""
    file_processor: str | None = None
    """Provider type of the ``file_processors`` API, for a release whose vector stores need one.

    OGX 1.5.0 refuses to ingest a file without it (the vector store file ends ``failed``: "FileProcessor
    API is required for file processing but is not configured"); llama-stack 0.7.3 falls back to its
    own chunking without one (its only processors, pypdf and docling, read PDFs), 0.3.0 has no such API.
    """

    @property
    def env_name(self) -> str:
        """Its cached environment's directory name: ``ogx-1.5.0``."""
        return self.id.replace("==", "-")


@dataclass(frozen=True, slots=True)
class SpecSource:
    """Where a profile's spec is exported from (``spec/export``): the protocol definitions package.

    The API set is what the reference serves with our reference configuration
    (``servers/reference/config.py``): the configured APIs, the routing-table APIs they imply and
    the APIs every server of that release adds on its own. A conformant server of that version
    exposes exactly these operations; the integration test compares them with the served spec.
    """

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
    """Which error envelope the release's exception handlers produce (see ``spec/export/errors.py``)."""
    extra_requirements: tuple[str, ...] = ()
    """What the package imports without declaring it (or FastAPI needs for its form routes)."""
    served_nulls: tuple[tuple[str, str], ...] = ()
    """``(schema, property)`` the reference sends as ``null`` although the protocol type says it never
    is; the spec accepts null there (each one shown by the integration test against the reference)."""

    @property
    def requirement(self) -> str:
        return f"{self.dist}=={self.version}"

    @property
    def api_names(self) -> tuple[str, ...]:
        return tuple(a.partition("=")[0] for a in self.apis)


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    """Stable id: the spec's file stem (``openapi/<id>.yaml``) and recordings folder of a built-in profile."""
    title: str
    reference: Reference | None = None
    """The release whose server is the profile's reference (``conformance reference start``), if any."""
    source: SpecSource | None = None
    """Where its spec is exported from, for a profile whose spec is generated (``conformance export``)."""
    versions: tuple[str, ...] = ()
    """Prefixes of the ``version`` a server of this profile reports on ``/v1/version`` (``1.5.``)."""
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
    api_prefixes: tuple[str, ...] = ()
    """Further path prefixes skipped before the segment that names the group (a user's ``/api``:
    ``/api/jobs/create`` is ``jobs``)."""
    previous: str | None = None
    """The profile this one succeeds: ``nox -s compat`` replays its recordings against this reference."""
    previous_scenarios: tuple[str, ...] = ()
    """Globs of the previous profile's scenarios that compat replay uses (all when empty)."""
    home: Path | None = None
    """A user profile's folder (``profile.yaml`` and what it names); ``None`` for a built-in profile,
    whose spec and recordings are the committed ``openapi/<id>.yaml`` and ``recordings/<id>/`` and
    whose other files are under ``conformance/profiles/<id>/``."""
    spec_file: str = "openapi.yaml"
    """A user profile's spec, relative to its folder."""
    clients: tuple[str, ...] = ()
    """The official SDKs the ``clients`` suite runs its flows with, as exact requirements
    (``openai==3.57.0``); each is installed once into its own cached environment
    (``conformance/clients/sdks.py`` has the flows of each SDK it knows)."""

    def api_of(self, operation: str) -> str:
        """The API group of ``'POST /v1/chat/completions'`` or of a path, templated or concrete: the
        first path segment after the version prefix (``chat``, ``responses``, ``vector-stores``).

        The spec's tags are not used: they differ between releases for the same paths (Responses are
        tagged ``Agents`` in Llama Stack 0.3, Vector Stores ``VectorIO`` before OGX) and ``Inference``
        lumps chat, completions, embeddings and rerank together; the path is what a client calls.
        """
        path = operation.split(" ", 1)[-1].split("?", 1)[0]
        rest = _VERSION_PREFIX.sub("", path)
        prefix = next((p for p in self.api_prefixes if rest == p or rest.startswith(p.rstrip("/") + "/")), "")
        rest = rest[len(prefix) :].strip("/")
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
    def builtin(self) -> bool:
        return self.home is None

    @property
    def spec_path(self) -> Path:
        return openapi_dir() / f"{self.id}.yaml" if self.home is None else self.home / self.spec_file

    @property
    def recordings(self) -> Path:
        """The folder of its cassettes, ``<scenario>.yaml`` each."""
        return recordings_root() / self.id if self.home is None else self.home / "recordings"

    @property
    def data_dir(self) -> Path:
        """The folder of its other files: known findings, severity levels, scenarios."""
        return builtin_data_dir() / self.id if self.home is None else self.home

    @property
    def scenarios_dir(self) -> Path:
        """Its declarative scenarios (``*.yaml``); built-in profiles share ``conformance/scenarios/flows/``."""
        return self.data_dir / "scenarios"

    @property
    def known_findings(self) -> Path:
        """The committed baseline of what its reference really gets wrong (``--baseline known``).

        ``conformance run`` applies it when it judges the profile's reference as the embedded server,
        so the demo exits 0 while every upstream deviation stays listed (as ``known``) in the reports.
        Regenerate with ``nox -s baselines``.
        """
        return self.data_dir / "known-findings.yaml"

    @property
    def severity_levels(self) -> Path:
        """Its severity levels (``--severity-levels`` format), applied when the file exists."""
        return self.data_dir / "severity-levels.txt"

    @property
    def server(self) -> str | None:
        """The server family of its reference (``ogx``, ``llama-stack``)."""
        return self.reference.server if self.reference else None

    def recognises(self, version: str | None) -> bool:
        """Whether a server reporting ``version`` on ``/v1/version`` is of this profile."""
        return version is not None and any(version.startswith(prefix) for prefix in self.versions)

    @property
    def id_formats(self) -> dict[str, str]:
        return dict(self.ids)


_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
_RESPONSE = f"resp_(?:{_UUID}|[0-9a-f]{{24}})"
"""A response; OGX keeps a compaction as a response too, with 24 hex digits."""
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
    # a response's messages and function calls; conversation items
    ("item_id", f"(?:msg|fc)_(?:{_UUID}|[0-9a-f]{{48}})"),
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

# Extra packages the providers import at start-up (shared/upstream-servers.md): faiss for vector_io,
# chardet/pypdf for files, sqlite-vec. mcp: llama-stack 0.7.3 breaks with mcp 2.x, OGX 1.5.0 needs it.
_PROVIDER_EXTRAS = ("faiss-cpu", "chardet", "pypdf", "sqlite-vec")

# Spec export: FastAPI refuses to build routes with form or file parameters without python-multipart.
_FORMS = ("python-multipart==0.0.34",)
# Streamed completions reuse OpenAICompletion for each chunk, and every chunk but the last has
# finish_reason null (as in OpenAI's API).
_COMPLETION_CHUNKS = ("OpenAICompletionChoice", "finish_reason")

# The SDKs people call these servers with (the clients suite), pinned: a new release is a deliberate change.
_CLIENTS = ("openai==3.57.0", "npm:openai@7.59.0")

_BUILTIN: tuple[Profile, ...] = (
    Profile(
        "llama-stack-0.3",
        "Llama Stack 0.3 (with the Agents API)",
        reference=Reference(
            id="llama-stack==0.3.0",
            server="llama-stack",
            version="0.3.0",
            requirements=("llama-stack==0.3.0", "llama-stack-client==0.3.0", *_PROVIDER_EXTRAS),
            entry_point="llama_stack.cli.llama:main",
            run_args=("stack", "run"),
            legacy_agents=True,
        ),
        source=SpecSource(
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
        versions=("0.3.",),
        has_agents=True,
        ids=(*_OPENAI_STYLE_IDS, *_AGENT_IDS),
        apis=_sorted(
            *_COMMON_APIS, "agents", "moderations", "safety", "shields", "tool-runtime", "toolgroups", "tools"
        ),
        clients=(*_CLIENTS, "llama-stack-client==0.3.0", "npm:llama-stack-client@0.3.0"),
    ),
    Profile(
        "llama-stack-0.7",
        "Llama Stack 0.7",
        reference=Reference(
            id="llama-stack==0.7.3",
            server="llama-stack",
            version="0.7.3",
            requirements=(
                "llama-stack==0.7.3",
                "llama-stack-api==0.7.3",
                "llama-stack-client==0.7.5",
                "mcp<2",
                *_PROVIDER_EXTRAS,
            ),
            entry_point="llama_stack.cli.llama:main",
            run_args=("stack", "run"),
            log_format_env="LLAMA_STACK_LOG_FORMAT",
        ),
        source=SpecSource(
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
        versions=("0.7.",),
        ids=_OPENAI_STYLE_IDS,
        apis=_sorted(*_COMMON_APIS, "admin", "connectors", "tools"),
        previous="llama-stack-0.3",
        # The Agents API is gone in 0.7; files, vector stores and conversations changed shape on purpose.
        previous_scenarios=("responses-*", "chat-completions-*"),
        clients=(*_CLIENTS, "llama-stack-client==0.7.5"),
    ),
    Profile(
        "ogx-1.5",
        "OGX 1.5",
        reference=Reference(
            id="ogx==1.5.0",
            server="ogx",
            version="1.5.0",
            requirements=("ogx==1.5.0", "ogx-api==1.5.0", "ogx-client==1.5.0", "mcp>=2", *_PROVIDER_EXTRAS),
            entry_point="ogx.cli.ogx:main",
            run_args=("run",),
            extra_run_args=("--insecure",),  # without it OGX refuses to start without TLS certificates
            config_dir_env="OGX_CONFIG_DIR",
            log_format_env="OGX_LOG_FORMAT",
            # inline::pypdf reads text files as well as PDFs with what we install (pypdf, chardet);
            # inline::auto would need markitdown.
            file_processor="inline::pypdf",
        ),
        source=SpecSource(
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
        versions=("1.5.",),
        ids=_OPENAI_STYLE_IDS,
        apis=_sorted(*_COMMON_APIS, "admin", "file-processors"),
        previous="llama-stack-0.7",
        clients=(*_CLIENTS, "ogx-client==1.5.0"),  # OGX's own SDK, released with the server
    ),
)

PROFILES: dict[str, Profile] = {p.id: p for p in _BUILTIN}
"""The built-in profiles, in release order."""

DEFAULT_PROFILE = "ogx-1.5"

_LOADED: dict[str, Profile] = {}
"""Users' profiles loaded from their folders in this process, by id."""


def register_profile(profile: Profile) -> Profile:
    """Make a user's profile known by id (``get_profile``) for the rest of the process.

    Its id may not be a built-in one; loading the same folder twice is harmless."""
    if profile.id in PROFILES:
        raise UsageError(f"profile {profile.home} uses the id {profile.id!r} of a built-in profile; choose another id")
    known = _LOADED.get(profile.id)
    if known is not None and known.home != profile.home:
        raise UsageError(f"two profiles named {profile.id!r}: {known.home} and {profile.home}")
    _LOADED[profile.id] = profile
    return profile


def loaded_profiles() -> tuple[Profile, ...]:
    """Every profile known now: the built-in ones, then users' profiles loaded so far."""
    return (*PROFILES.values(), *_LOADED.values())


def get_profile(profile_id: str) -> Profile:
    """A built-in profile or a loaded user profile by id (``core.profile_dir.resolve_profile`` also takes a folder)."""
    found = PROFILES.get(profile_id) or _LOADED.get(profile_id)
    if found is None:
        known = ", ".join(PROFILES)
        raise UsageError(f"unknown profile {profile_id!r} (known: {known}, or a folder with a profile.yaml)")
    return found


def known_apis() -> tuple[str, ...]:
    """Every API group some known profile has, sorted (what ``--api`` accepts before the profile is known)."""
    return tuple(sorted({api for profile in loaded_profiles() for api in profile.apis}))


def parse_apis(values: Iterable[str]) -> tuple[str, ...]:
    """``--api responses,chat`` (comma-separated, repeatable) as sorted group ids."""
    return tuple(sorted({n.strip().lower() for value in values for n in value.split(",") if n.strip()}))


def check_api_names(names: Iterable[str]) -> None:
    """Before the profile is known (it will be detected from the server): a name no known profile
    has is a usage error listing the known ones."""
    unknown = sorted(set(names) - set(known_apis()))
    if unknown:
        raise UsageError(f"unknown API {unknown[0]!r} for --api (known: {', '.join(known_apis())})")


def profile_for_release(release: str) -> Profile | None:
    return next((p for p in PROFILES.values() if p.reference and p.reference.id == release), None)


def builtin_data_dir() -> Path:
    """The built-in profiles' folders (known findings, severity levels): ``conformance/profiles/``."""
    return Path(__file__).resolve().parents[1] / "profiles"


def recordings_root() -> Path:
    """The committed recordings: the source tree's ``recordings/`` or a copy bundled in a wheel."""
    return _data_dir("recordings")


def openapi_dir() -> Path:
    """Where the exported specs live: the source tree's ``openapi/`` or the copy bundled in a wheel."""
    return _data_dir("openapi")


def _data_dir(name: str) -> Path:
    """A top-level folder of the source tree (``openapi``, ``recordings``), or its copy under
    ``conformance/_data/`` in a wheel."""
    package_root = Path(__file__).resolve().parents[1]
    for candidate in (package_root.parent / name, package_root / "_data" / name):
        if candidate.is_dir():
            return candidate
    return package_root.parent / name
