"""Loading a profile's committed spec for the rest of the suite."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from conformance.core.errors import UsageError
from conformance.core.profiles import get_profile

__all__ = ["load_spec", "read_spec"]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_spec(path: Path) -> dict[str, Any]:
    """Parse one spec file (uncached); a usage error when it is missing or not an OpenAPI document."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except FileNotFoundError:
        raise UsageError(f"spec {path} does not exist (export it: conformance export --profile {path.stem})") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"spec {path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or "openapi" not in data or "paths" not in data:
        raise UsageError(f"spec {path} is not an OpenAPI document")
    return data


@functools.cache
def load_spec(profile_id: str) -> dict[str, Any]:
    """The parsed ``openapi/<profile>.yaml``, read once per process.

    The same dict is returned to every caller: treat it as read-only (``copy.deepcopy`` to change it).
    """
    return read_spec(get_profile(profile_id).spec_path)
