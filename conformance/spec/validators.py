"""Ready-made validators for response bodies and stream events of a profile's operations."""

from __future__ import annotations

import functools

from jsonschema.protocols import Validator

from conformance.core.media_types import SSE_MEDIA_TYPE
from conformance.spec.loader import load_spec
from conformance.spec.operations import event_schema, find_operation, response_schema
from conformance.spec.schemas import validator_for

__all__ = ["response_validator"]


@functools.cache
def response_validator(
    profile_id: str, method: str, path: str, status: int | str = 200, media_type: str = "application/json"
) -> Validator | None:
    """Validator for one response of ``method path`` (templated path) in the profile's spec.

    For ``text/event-stream`` it validates one decoded ``data:`` payload (see ``event_schema``).
    ``None`` when the spec has no such operation, status or media type: nothing to validate against.
    """
    spec = load_spec(profile_id)
    try:
        find_operation(spec, method, path)
    except KeyError:
        return None
    if media_type == SSE_MEDIA_TYPE:
        schema = event_schema(spec, method, path)
    else:
        schema = response_schema(spec, method, path, str(status), media_type)
    return validator_for(schema) if schema is not None else None
