"""Schemathesis failures become one line with the status, the inputs and the server's own message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from schemathesis.core.failures import AcceptedNegativeData, Failure, ServerError
from schemathesis.openapi.checks import RejectedPositiveData, UndefinedStatusCode
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conformance.runner.property_messages import failure_message
from tests.unit.runner.test_property import _run as run_property

OPERATION = "GET /v1/conversations/{conversation_id}"


def _response(status: int, body: bytes, reason: str = "") -> Any:
    return SimpleNamespace(status_code=status, content=body, message=reason)


def _case(**path: Any) -> Any:
    return SimpleNamespace(path_parameters=path, query={})


def test_a_rejected_schema_valid_request_names_status_input_and_server_message() -> None:
    failure = RejectedPositiveData(
        operation=OPERATION,
        message="Valid data should have been accepted\nExpected: 2XX, 404",
        status_code=400,
        allowed_statuses=["2XX", "404"],
    )
    body = b'{"error": {"message": "Invalid value for \'conversation_id\': expected an id"}}'
    message = failure_message(
        "positive_data_acceptance", failure, _response(400, body, "Bad Request"), _case(conversation_id="conv_0a1b2c")
    )
    assert message == (
        "HTTP 400 Bad Request for a schema-valid request (path conversation_id='conv_0a1b2c'): "
        "Invalid value for 'conversation_id': expected an id (expected 2XX or 404)"
    )


def test_an_accepted_schema_invalid_request_names_the_invalid_component() -> None:
    failure = AcceptedNegativeData(
        operation=OPERATION,
        message="Invalid data should have been rejected\nExpected: 400, 422\n"
        "Invalid component: parameter `limit` in query - value -1 is less than the minimum of 1",
        status_code=200,
        expected_statuses=["400", "422"],
    )
    message = failure_message("negative_data_rejection", failure, _response(200, b"{}", "OK"), _case())
    assert message == (
        "HTTP 200 OK for a schema-invalid request: parameter `limit` in query - value -1 is less than the minimum"
        " of 1 (expected 400 or 422)"
    )


def test_a_server_error_quotes_the_server_instead_of_saying_server_error() -> None:
    failure = ServerError(operation=OPERATION, status_code=501)
    body = b'{"detail": "Non-streaming agent turns not yet implemented"}'
    message = failure_message("not_a_server_error", failure, _response(501, body), _case(conversation_id="c"))
    assert (
        message == "HTTP 501 Not Implemented (path conversation_id='c'): Non-streaming agent turns not yet implemented"
    )


def test_an_undocumented_status_lists_the_documented_ones() -> None:
    failure = UndefinedStatusCode(
        operation=OPERATION,
        status_code=418,
        defined_status_codes=["200", "400", "404", "422", "500", "default"],
        allowed_status_codes=[200],
        message="Received: 418",
    )
    message = failure_message("status_code_conformance", failure, _response(418, b"short and stout"), _case())
    assert message == (
        "HTTP 418 I'm a Teapot is not a documented status: short and stout "
        "(documented: 200, 400, 404, 422, 500 or default)"
    )


def test_long_values_are_cut_and_without_a_response_the_title_remains() -> None:
    failure = Failure(operation=OPERATION, title="Response time exceeded", message="Took 9s")
    assert failure_message("max_response_time", failure) == "Response time exceeded: Took 9s"
    long_id = "conv_" + "é" * 80
    message = failure_message("not_a_server_error", ServerError(operation=OPERATION, status_code=500),
                              _response(500, b""), _case(conversation_id=long_id))  # fmt: skip
    assert message == f"HTTP 500 Internal Server Error (path conversation_id='conv_{'é' * 33}…)"


def test_a_live_run_words_findings_from_the_response_and_reproduces_with_variables(
    serve_app: Callable[[Any], str], tmp_path: Path
) -> None:
    async def unimplemented(request: Request) -> JSONResponse:
        return JSONResponse({"detail": "Non-streaming agent turns not yet implemented"}, status_code=501)

    base_url = serve_app(Starlette(routes=[Route("/v1/items", unimplemented, methods=["POST"])]))
    result = run_property(base_url, tmp_path)
    by_check = {f.check_id: f for f in result.findings}
    server_error = by_check["not_a_server_error"]
    assert server_error.message == "HTTP 501 Not Implemented: Non-streaming agent turns not yet implemented"
    rejected = by_check["positive_data_acceptance"]
    assert rejected.message == (
        "HTTP 501 Not Implemented for a schema-valid request: Non-streaming agent turns not yet implemented"
        " (expected 2XX, 404 or 409)"
    )
    for finding in result.findings:
        assert finding.reproduction is not None
        assert finding.reproduction.endswith('"$CONFORMANCE_BASE_URL/v1/items"')
        assert base_url not in finding.reproduction
