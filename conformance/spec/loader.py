"""Loading a profile's committed spec for the rest of the suite."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from conformance.core.errors import UsageError
from conformance.core.profiles import get_profile
from conformance.core.yaml_files import yaml_error

__all__ = ["check_spec", "load_spec", "read_spec"]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_spec(path: Path) -> dict[str, Any]:
    """Parse one spec file (uncached); a usage error when it is missing or not an OpenAPI document."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except FileNotFoundError:
        raise UsageError(f"spec {path} does not exist (export it: conformance export --profile {path.stem})") from None
    except yaml.YAMLError as exc:
        raise yaml_error(f"spec {path}", exc) from None
    if not isinstance(data, dict) or "openapi" not in data or "paths" not in data:
        raise UsageError(f"spec {path} is not an OpenAPI document")
    return data


def check_spec(path: Path) -> dict[str, Any]:
    """A spec the user gave (``--spec``, a profile folder's), checked before any server is touched:
    YAML, OpenAPI, and every local ``$ref`` resolving. A dangling reference used to make its operation
    vanish from the property suite without a word."""
    from conformance.spec.refs import dangling_refs

    spec = read_spec(path)
    dangling = dangling_refs(spec)
    if dangling:
        more = f" (and {len(dangling) - 1} more)" if len(dangling) > 1 else ""
        raise UsageError(f"spec {path}: $ref {dangling[0]!r} points at nothing{more}")
    return spec


@functools.cache
def load_spec(profile_id: str) -> dict[str, Any]:
    """The parsed ``openapi/<profile>.yaml``, read once per process.

    The same dict is returned to every caller: treat it as read-only (``copy.deepcopy`` to change it).
    """
    return read_spec(get_profile(profile_id).spec_path)
