"""Whether a document is a valid OpenAPI 3.1 spec, as ``openapi-spec-validator`` judges it."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import OpenAPIV31SpecValidator

__all__ = ["spec_errors"]


def spec_errors(spec: dict[str, Any]) -> list[str]:
    """Every problem the validator reports, as ``path: message`` lines (empty when the spec is valid)."""
    errors = OpenAPIV31SpecValidator(spec).iter_errors()
    return sorted({f"{'/'.join(str(p) for p in err.absolute_path) or '<root>'}: {err.message}" for err in errors})
