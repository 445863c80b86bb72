"""A user's profile: a folder with a ``profile.yaml``, read into the same :class:`Profile` as the built-in ones.

::

    my-profile/
      profile.yaml            id, title, spec, versions, apis, ids (below)
      openapi.yaml            the API's OpenAPI document (``spec:`` names another file)
      scenarios/*.yaml        declarative flows (``conformance/scenarios/declarative.py``)
      recordings/*.yaml       their cassettes, written by ``conformance record --profile my-profile``
      known-findings.yaml     optional: a baseline (``--baseline known``)
      severity-levels.txt    optional: severity levels applied to every run by this profile

Everything but ``id`` is optional in ``profile.yaml``; the API groups default to the first path
segment after the version of every operation in the spec (``/api/jobs/create``: ``jobs``).
A malformed folder is the user's input going wrong: a one-line :class:`UsageError` naming the file
and the field.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from conformance.core.errors import UsageError
from conformance.core.profiles import PROFILES, Profile, Reference, get_profile, register_profile
from conformance.core.yaml_files import read_yaml_file
from conformance.spec.loader import check_spec, read_spec
from conformance.spec.operations import HTTP_METHODS

__all__ = [
    "PROFILE_FILE",
    "ProfileFile",
    "load_profile_folder",
    "profile_file_of",
    "resolve_profile",
    "scaffold_profile",
]

PROFILE_FILE = "profile.yaml"
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class ProfileFile(BaseModel):
    """The fields of ``profile.yaml``: the :class:`Profile` fields a user's profile can set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Stable id: lowercase letters, digits, '.', '_' and '-'.")
    title: str = ""
    spec: str = "openapi.yaml"
    versions: tuple[str, ...] = ()
    has_agents: bool = False
    apis: tuple[str, ...] = ()
    api_of_segment: dict[str, str] = Field(default_factory=dict)
    api_prefixes: tuple[str, ...] = ()
    ids: dict[str, str] = Field(default_factory=dict)
    reference: Reference | None = None
    clients: tuple[str, ...] = Field(default=(), description="SDK requirements for the clients suite (openai==3.57.0).")

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"{value!r} is not a profile id (lowercase letters, digits, '.', '_' and '-')")
        return value

    @field_validator("ids")
    @classmethod
    def _patterns(cls, value: dict[str, str]) -> dict[str, str]:
        for name, pattern in value.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{name}: {pattern!r} is not a regular expression ({exc})") from None
        return value

    def to_profile(self, home: Path | None) -> Profile:
        """The profile this file describes; ``home`` is its folder (``None`` reads it as built-in)."""
        profile = Profile(
            self.id,
            self.title or self.id,
            reference=self.reference,
            versions=self.versions,
            has_agents=self.has_agents,
            ids=tuple(self.ids.items()),
            apis=tuple(sorted(self.apis)),
            api_prefixes=self.api_prefixes,
            home=home,
            spec_file=self.spec,
            clients=self.clients,
        )
        if self.api_of_segment:
            profile = dataclasses.replace(profile, api_of_segment=tuple(self.api_of_segment.items()))
        return profile

    @classmethod
    def of(cls, profile: Profile) -> ProfileFile:
        """The ``profile.yaml`` that describes ``profile`` (a built-in one too: they share the format)."""
        return cls(
            id=profile.id,
            title=profile.title,
            spec=profile.spec_file,
            versions=profile.versions,
            has_agents=profile.has_agents,
            apis=profile.apis,
            api_of_segment=dict(profile.api_of_segment),
            api_prefixes=profile.api_prefixes,
            ids=dict(profile.ids),
            reference=profile.reference,
            clients=profile.clients,
        )


def profile_file_of(folder: Path) -> Path:
    return folder / PROFILE_FILE


def load_profile_folder(folder: Path) -> Profile:
    """Read ``folder/profile.yaml`` and the spec it names, and register the profile by its id."""
    folder = folder.resolve()
    path = profile_file_of(folder)
    if not path.is_file():
        raise UsageError(f"{folder} is not a profile: it has no {PROFILE_FILE} (create one: conformance profile init)")
    document = read_yaml_file(path, kind="profile")
    described = document.validate(ProfileFile, expected="a mapping with at least 'id'")
    profile = described.to_profile(folder)
    spec = check_spec(profile.spec_path)
    apis = _apis_of(profile, spec)
    declared = described.apis
    if declared:
        missing = sorted(set(apis) - set(declared))
        if missing:
            raise document.error(
                f"apis: the spec has operations of {', '.join(missing)}, which 'apis' does not list "
                "(list every group, or leave 'apis' out to take them from the spec)",
                ("apis",),
            )
        apis = tuple(sorted(declared))
    return register_profile(dataclasses.replace(profile, apis=apis))


def _apis_of(profile: Profile, spec: dict[str, Any]) -> tuple[str, ...]:
    paths = spec.get("paths") or {}
    groups = {
        profile.api_of(path)
        for path, item in paths.items()
        if isinstance(item, dict) and any(method in item for method in HTTP_METHODS)
    }
    return tuple(sorted(groups))


def resolve_profile(value: str) -> Profile:
    """``--profile``: a built-in id, a loaded profile's id, or a folder holding a ``profile.yaml``."""
    if value in PROFILES:
        return PROFILES[value]
    folder = Path(value).expanduser()
    if folder.is_dir() or value.endswith(PROFILE_FILE) or "/" in value or value.startswith("."):
        if folder.name == PROFILE_FILE:
            folder = folder.parent
        if not folder.exists():
            raise UsageError(f"profile folder {folder} does not exist")
        return load_profile_folder(folder)
    return get_profile(value)


_PROFILE_TEMPLATE = """\
# A conformance profile: what `conformance run|check|replay|record --profile {folder}` judges by.
# Format: docs/profiles.md. Everything but id is optional.
id: {id}
title: {title}
# The API's OpenAPI document, relative to this folder.
spec: {spec}
# Prefixes of the version your server reports on GET /v1/version, so that `conformance run`
# recognises it without --profile (e.g. ["2.3."]).
versions: []
# API groups for --api: the first path segment after the version (/v1/chat/completions: chat)
# or after one of api_prefixes (with [/api]: /api/jobs/create is jobs). Taken from the spec when
# left out; listed here as the spec has them.
api_prefixes: [{prefixes}]
apis: [{apis}]
# Id formats, by parameter or request field name: the property suite sends well-formed unknown ids
# (for which 404 is right) and malformed ones (for which 400/422 is right). Regular expressions.
ids: {{}}
{ids_hint}"""

_STARTER_TEMPLATE = """\
# A declarative scenario: `conformance record --profile {folder} --base-url URL` records it from a
# server you trust into recordings/, `conformance run|replay --profile {folder}` replays it against
# any server and classifies the differences. Format: docs/profiles.md.
title: {title}
steps:
  - name: {step}
    method: GET
    path: {path}
    status: 200
# A step can use what an earlier one got:
#   - name: create
#     method: POST
#     path: /api/things
#     body: {{model: "${{models.chat}}", name: demo}}
#     status: 200
#   - name: read
#     method: GET
#     path: /api/things/${{steps.create.body.id}}
"""


def _id_parameters(spec: dict[str, Any]) -> list[str]:
    names = set()
    for item in (spec.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        for operation in [item, *(item.get(m) for m in HTTP_METHODS)]:
            for parameter in (operation or {}).get("parameters") or []:
                name = parameter.get("name") if isinstance(parameter, dict) else None
                if isinstance(name, str) and name.endswith("_id") and parameter.get("in") == "path":
                    names.add(name)
    return sorted(names)


def _starter_path(spec: dict[str, Any]) -> str | None:
    """The first GET without path parameters (``/v1/models`` before ``/v1/health``, which says little)."""
    paths = sorted(
        path
        for path, item in (spec.get("paths") or {}).items()
        if isinstance(item, dict) and isinstance(item.get("get"), dict) and "{" not in path
    )
    preferred = [p for p in paths if not p.rstrip("/").endswith(("/health", "/version"))]
    chosen: list[str] = preferred or paths
    return chosen[0] if chosen else None


def scaffold_profile(folder: Path, spec_source: Path, *, profile_id: str | None = None) -> list[Path]:
    """``conformance profile init``: a new profile folder for the API ``spec_source`` describes.

    Writes ``profile.yaml``, a copy of the spec, a starter scenario (a GET the spec has) and an
    empty ``recordings/``. Refuses to touch a folder that already holds a profile, so nothing is lost.
    """
    spec = read_spec(spec_source)
    if profile_file_of(folder).exists():
        raise UsageError(f"{folder} already holds a profile ({PROFILE_FILE}); choose a new folder")
    wanted_id = profile_id or re.sub(r"[^a-z0-9._-]+", "-", folder.resolve().name.lower()).strip("-.") or "my-profile"
    if not _ID.match(wanted_id):
        raise UsageError(f"--id {wanted_id!r} is not a profile id (lowercase letters, digits, '.', '_' and '-')")
    if wanted_id in PROFILES:
        raise UsageError(f"--id {wanted_id!r} is a built-in profile's id; choose another")
    spec_name = "openapi.json" if spec_source.suffix == ".json" else "openapi.yaml"
    title = str((spec.get("info") or {}).get("title") or wanted_id)
    probe = Profile(wanted_id, title)
    if "api" in _apis_of(probe, spec):  # /api/jobs/create: the group is jobs, not api
        probe = dataclasses.replace(probe, api_prefixes=("/api",))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "recordings").mkdir(exist_ok=True)
    (folder / "scenarios").mkdir(exist_ok=True)
    written = [folder / spec_name]
    written[0].write_bytes(spec_source.read_bytes())
    ids = _id_parameters(spec)
    ids_hint = "".join(f"#   {name}: '<regular expression>'\n" for name in ids)
    profile_text = _PROFILE_TEMPLATE.format(
        folder=folder,
        id=wanted_id,
        title=json.dumps(title),
        spec=spec_name,
        apis=", ".join(_apis_of(probe, spec)),
        prefixes=", ".join(probe.api_prefixes),
        ids_hint=("# The spec's path parameters that name ids:\n" + ids_hint) if ids else "",
    )
    profile_file_of(folder).write_text(profile_text, encoding="utf-8")
    written.append(profile_file_of(folder))
    starter = _starter_path(spec)
    if starter is not None:
        api = probe.api_of(starter)
        path = folder / "scenarios" / f"{api}-read.yaml"
        text = _STARTER_TEMPLATE.format(folder=folder, title=f"GET {starter}", step="read", path=starter)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    load_profile_folder(folder)  # what we wrote must load: the same checks a user's edits get
    return written
