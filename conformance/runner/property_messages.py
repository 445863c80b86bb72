"""One line per Schemathesis failure that a person can act on.

Schemathesis' own titles say which rule broke ("Schema-valid request rejected") and its messages
what it expected ("Valid data should have been accepted"). A finding says what happened instead:
the HTTP status with its reason phrase, the inputs that provoked it (path and query parameters,
the schema-invalid component of a negative case), the server's own error message, and what was
expected::

    HTTP 400 Bad Request for a schema-valid request (path conversation_id='conv_0a1b…'):
    Invalid value for 'conversation_id' (expected 2XX, 404 or 409)
    HTTP 200 OK for a schema-invalid request: parameter `limit` in query - value -1 is less than
    the minimum of 1 (expected 4XX)

Everything is read from the failure object, the generated case and the response Schemathesis
recorded; nothing here sends a request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from conformance.core.server_message import describe_status

__all__ = ["MESSAGE_CHARS", "failure_message"]

MESSAGE_CHARS = 400
_VALUE_CHARS = 40


def _short(value: Any) -> str:
    """A parameter value as a person reads it: real characters, quotes for strings, cut when long."""
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _VALUE_CHARS else text[: _VALUE_CHARS - 1] + "…"


def _inputs(case: Any) -> str:
    """``path conversation_id='conv_1', query limit=5``: the parameters the generated case sent."""
    parts = []
    for location, attribute in (("path", "path_parameters"), ("query", "query")):
        values = getattr(case, attribute, None)
        if isinstance(values, Mapping) and values:
            shown = ", ".join(f"{name}={_short(value)}" for name, value in list(values.items())[:4])
            more = f" and {len(values) - 4} more" if len(values) > 4 else ""
            parts.append(f"{location} {shown}{more}")
    return ", ".join(parts)


def _status_line(response: Any) -> str | None:
    status = getattr(response, "status_code", None)
    if not isinstance(status, int):
        return None
    reason = getattr(response, "message", None)
    return describe_status(status, getattr(response, "content", None), reason if isinstance(reason, str) else None)


def _split(line: str) -> tuple[str, str | None]:
    """``HTTP 400 Bad Request: msg`` -> (``HTTP 400 Bad Request``, ``msg``)."""
    head, sep, said = line.partition(": ")
    return (head, said) if sep else (line, None)


def _invalid_component(message: str) -> str | None:
    """Schemathesis' ``Invalid component: ...`` lines of a negative case, on one line."""
    lines = message.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("Invalid component:"):
            rest = [line.removeprefix("Invalid component:").strip(), *(x.strip(" -") for x in lines[n + 1 :] if x)]
            return "; ".join(part for part in rest if part) or None
    return None


def _expected(failure: Any, attribute: str) -> str:
    """``2XX or 404``; ``400, 401, 403 or 404``; a long list cut after six."""
    values = getattr(failure, attribute, None)
    if not isinstance(values, list) or not values:
        return ""
    shown = [str(v) for v in values]
    if len(shown) > 6:
        return ", ".join(shown[:6]) + f" and {len(shown) - 6} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" or {shown[-1]}"


def _generic(failure: Any) -> str:
    title = (getattr(failure, "title", "") or "").strip().splitlines()
    detail = (getattr(failure, "message", "") or "").strip().splitlines()
    text = title[0] if title else type(failure).__name__
    return text + (f": {detail[0]}" if detail else "")


def failure_message(check: str, failure: Any, response: Any = None, case: Any = None) -> str:
    """The finding's message for one Schemathesis ``failure`` of ``check`` (see the module docstring)."""
    line = _status_line(response)
    inputs = _inputs(case)
    with_inputs = f" ({inputs})" if inputs else ""
    if line is None:
        return _generic(failure)[:MESSAGE_CHARS]
    head, said = _split(line)
    colon_said = f": {said}" if said else ""
    if check == "positive_data_acceptance":
        expected = _expected(failure, "allowed_statuses")
        text = f"{head} for a schema-valid request{with_inputs}{colon_said}"
        text += f" (expected {expected})" if expected else ""
    elif check == "negative_data_rejection":
        component = _invalid_component(getattr(failure, "message", "") or "")
        expected = _expected(failure, "expected_statuses")
        text = f"{head} for a schema-invalid request" + (f": {component}" if component else with_inputs)
        text += f" (expected {expected})" if expected else ""
    elif check == "not_a_server_error":
        text = f"{head}{with_inputs}{colon_said}"
    elif check == "status_code_conformance":
        documented = _expected(failure, "defined_status_codes")
        text = f"{head} is not a documented status{with_inputs}{colon_said}"
        text += f" (documented: {documented})" if documented else ""
    elif check == "response_schema_conformance" and getattr(failure, "validation_message", None):
        where = "/".join(str(p) for p in getattr(failure, "instance_path", []) or []) or "(root)"
        text = f"{head}: the body does not match the schema at {where}: {failure.validation_message}"
    else:
        text = f"{head}{with_inputs}: {_generic(failure)}"
    flat = " ".join(text.split())
    return flat if len(flat) <= MESSAGE_CHARS else flat[: MESSAGE_CHARS - 1] + "…"
