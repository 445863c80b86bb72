"""The profile's spec as validators for the checks: response bodies and stream events."""

from __future__ import annotations

from conformance.checks.context import PayloadValidator, payload_validator
from conformance.core.media_types import SSE_MEDIA_TYPE
from conformance.spec import response_validator

__all__ = ["body_validator", "event_validator"]


def body_validator(profile_id: str, method: str, path: str, status: int = 200) -> PayloadValidator | None:
    """Validates a JSON body of ``method path`` (templated) against the spec; ``None`` when undocumented."""
    validator = response_validator(profile_id, method, path, status, "application/json")
    return payload_validator(validator) if validator is not None else None


def event_validator(profile_id: str, method: str, path: str) -> PayloadValidator | None:
    """Validates one SSE ``data:`` payload of ``method path``; ``None`` when the spec has no event schema."""
    validator = response_validator(profile_id, method, path, 200, SSE_MEDIA_TYPE)
    return payload_validator(validator) if validator is not None else None
