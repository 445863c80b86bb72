"""A user's profile: a folder with a ``profile.yaml``, read into the same :class:`Profile` as the built-in ones.

::

    my-profile/
      profile.yaml            id, title, spec, versions, apis, ids (below)
      openapi.yaml            the API's OpenAPI document (``spec:`` names another file)
      scenarios/*.yaml        declarative flows (``conformance/scenarios/declarative.py``)
      recordings/*.yaml       their cassettes, written by ``conformance record --profile my-profile``
      known-findings.yaml     optional: a baseline (``--baseline known``)
      severity-levels.yaml    optional: severity levels applied to every run by this profile

Everything but ``id`` is optional in ``profile.yaml``; the API groups default to the first path
segment after the version of every operation in the spec (``/api/jobs/create``: ``jobs``).
A malformed folder is the user's input going wrong: a one-line :class:`UsageError` naming the file
and the field.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from conformance.core.errors import UsageError
from conformance.core.profiles import PROFILES, Profile, Reference, get_profile, register_profile
from conformance.spec.loader import read_spec
from conformance.spec.operations import HTTP_METHODS

__all__ = ["PROFILE_FILE", "ProfileFile", "load_profile_folder", "profile_file_of", "resolve_profile"]

PROFILE_FILE = "profile.yaml"
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class _ReferenceFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    server: str
    version: str
    requirements: tuple[str, ...]
    entry_point: str
    run_args: tuple[str, ...]
    extra_run_args: tuple[str, ...] = ()
    config_dir_env: str = "LLAMA_STACK_CONFIG_DIR"
    log_format_env: str | None = None
    legacy_agents: bool = False
    file_processor: str | None = None


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
    ids: dict[str, str] = Field(default_factory=dict)
    reference: _ReferenceFile | None = None

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

    def to_profile(self, home: Path) -> Profile:
        reference = Reference(**self.reference.model_dump()) if self.reference else None
        profile = Profile(
            self.id,
            self.title or self.id,
            reference=reference,
            versions=self.versions,
            has_agents=self.has_agents,
            ids=tuple(self.ids.items()),
            home=home,
            spec_file=self.spec,
        )
        if self.api_of_segment:
            profile = _replace(profile, api_of_segment=tuple(self.api_of_segment.items()))
        return profile

    @classmethod
    def of(cls, profile: Profile) -> ProfileFile:
        """The ``profile.yaml`` that describes ``profile`` (a built-in one too: they share the format)."""
        reference = _ReferenceFile(**_fields(profile.reference)) if profile.reference else None
        return cls(
            id=profile.id,
            title=profile.title,
            spec=profile.spec_file,
            versions=profile.versions,
            has_agents=profile.has_agents,
            apis=profile.apis,
            api_of_segment=dict(profile.api_of_segment),
            ids=dict(profile.ids),
            reference=reference,
        )


def _fields(reference: Reference) -> dict[str, Any]:
    return {name: getattr(reference, name) for name in Reference.__dataclass_fields__}


def _replace(profile: Profile, **changes: Any) -> Profile:
    return dataclasses.replace(profile, **changes)


def profile_file_of(folder: Path) -> Path:
    return folder / PROFILE_FILE


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def load_profile_folder(folder: Path) -> Profile:
    """Read ``folder/profile.yaml`` and the spec it names, and register the profile by its id."""
    folder = folder.resolve()
    path = profile_file_of(folder)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"{folder} is not a profile: it has no {PROFILE_FILE} (create one: conformance profile init)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise UsageError(f"{path}{where} is not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping with at least 'id'")
    try:
        described = ProfileFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UsageError(f"{path}: {_where(tuple(first['loc']))}: {first['msg']}") from None
    profile = described.to_profile(folder)
    spec = read_spec(profile.spec_path)
    apis = _apis_of(profile, spec)
    declared = described.apis
    if declared:
        missing = sorted(set(apis) - set(declared))
        if missing:
            raise UsageError(
                f"{path}: apis: the spec has operations of {', '.join(missing)}, which 'apis' does not list "
                "(list every group, or leave 'apis' out to take them from the spec)"
            )
        apis = tuple(sorted(declared))
    return register_profile(_replace(profile, apis=apis))


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
