"""The json-response checks (the smoke suite's success contract): each fires on its rule, quiet otherwise."""

from __future__ import annotations

import pytest

from conformance.checks import JsonResponseContext, evaluate, get_check, jsonschema_validator
from conformance.core.redact import Redactor
from tests.fakes.contexts import exchange

MODEL_LIST = jsonschema_validator({"type": "object", "required": ["data"], "properties": {"data": {"type": "array"}}})


def _findings(check_id: str, ctx: JsonResponseContext) -> list[str]:
    outcome = evaluate(get_check(check_id), ctx, operation="GET /v1/models", redactor=Redactor())
    assert outcome.error is None
    return [f.message for f in outcome.findings]


GOOD = JsonResponseContext(exchange=exchange(200, {"data": []}), validator=MODEL_LIST)


@pytest.mark.parametrize("check_id", ["json-response-status", "json-response-content-type", "json-response-schema"])
def test_a_documented_json_answer_keeps_every_check_quiet(check_id: str) -> None:
    assert _findings(check_id, GOOD) == []


def test_status_fires_on_an_unexpected_status_and_quotes_the_server() -> None:
    ctx = JsonResponseContext(
        exchange=exchange(501, {"detail": "Non-streaming agent turns not yet implemented"}), validator=MODEL_LIST
    )
    (message,) = _findings("json-response-status", ctx)
    assert message == "HTTP 501 Not Implemented: Non-streaming agent turns not yet implemented (expected HTTP 200)"


def test_status_without_a_server_message_names_the_status_and_reason() -> None:
    ctx = JsonResponseContext(exchange=exchange(500, "<html>oops</html>", content_type="text/html"))
    assert _findings("json-response-status", ctx) == ["HTTP 500 Internal Server Error (expected HTTP 200)"]


def test_content_type_fires_on_html() -> None:
    ctx = JsonResponseContext(exchange=exchange(200, "<html></html>", content_type="text/html"))
    assert _findings("json-response-content-type", ctx) == ["expected Content-Type application/json, got text/html"]


def test_schema_fires_on_a_missing_field_and_names_where() -> None:
    ctx = JsonResponseContext(exchange=exchange(200, {"object": "list"}), validator=MODEL_LIST)
    (message,) = _findings("json-response-schema", ctx)
    assert "(root): 'data' is a required property" in message


def test_schema_is_not_applicable_without_a_documented_schema() -> None:
    ctx = JsonResponseContext(exchange=exchange(200, {"anything": 1}))
    outcome = evaluate(get_check("json-response-schema"), ctx, operation="GET /x", redactor=Redactor())
    assert outcome.skipped == "the spec documents no JSON schema for this answer"


def test_content_rules_wait_for_the_status_rule() -> None:
    ctx = JsonResponseContext(exchange=exchange(404, "nope", content_type="text/plain"), validator=MODEL_LIST)
    outcome = evaluate(get_check("json-response-schema"), ctx, operation="GET /x", redactor=Redactor())
    assert outcome.skipped == "the request answered HTTP 404 (see json-response-status)"
