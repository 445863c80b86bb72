"""conformance/checks/error_consistency.py: one status for invalid bodies, one error envelope per server."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.checks import (
    ErrorProbeContext,
    ErrorSummaryContext,
    NotApplicable,
    Violation,
    error_consistency,
)
from conformance.core.results import ErrorSummaryObservation
from tests.fakes.contexts import exchange


def _probe(name: str, operation: str, status: int, body: Any, expect: str = "invalid-body") -> Any:
    method, path = operation.split(" ", 1)
    ctx = ErrorProbeContext(exchange=exchange(status, body, method=method, path=path), expect=expect)  # type: ignore[arg-type]
    return (name, operation, ctx)


def _summary(*probes: Any) -> ErrorSummaryContext:
    return ErrorSummaryContext(probes=tuple(probes))


MIXED = _summary(
    _probe("responses/create-empty", "POST /v1/responses", 400, {"detail": "x"}),
    _probe("responses/create-wrong-type", "POST /v1/responses", 400, {"detail": "x"}),
    _probe("conversations/create-wrong-type", "POST /v1/conversations", 400, {"detail": "x"}),
    _probe("files/create", "POST /v1/files", 400, {"detail": "x"}),
    _probe("chat-completions/create-wrong-type", "POST /v1/chat/completions", 422, {"detail": []}),
    _probe(
        "files/get-unknown",
        "GET /v1/files/f",
        404,
        {"error": {"message": "no", "type": "x", "code": None}},
        "not-found",
    ),
)


def test_mixed_invalid_body_statuses_name_both_and_show_the_rarer_one() -> None:
    [violation] = list(error_consistency.invalid_body_status_consistent(MIXED))
    assert isinstance(violation, Violation)
    assert violation.message == (
        "invalid bodies are answered HTTP 400 (POST /v1/responses, POST /v1/conversations and 1 more) and "
        "HTTP 422 (POST /v1/chat/completions); SDKs raise BadRequestError for one and UnprocessableEntityError "
        "for the other"
    )
    assert violation.exchange is MIXED.probes[4][2].exchange


def test_the_status_a_server_uses_is_observed_even_when_consistent() -> None:
    consistent = _summary(*MIXED.probes[:2])
    assert list(error_consistency.invalid_body_status_consistent(consistent)) == []
    observed = error_consistency.summary_observations(consistent)
    probes = ("responses/create-empty", "responses/create-wrong-type")
    assert observed["error-invalid-body-status-consistent"] == ErrorSummaryObservation(
        invalid_body_statuses={"400": probes}
    )
    assert observed["error-envelope-consistent"] == ErrorSummaryObservation(
        error_envelopes={'{"detail": …} (FastAPI)': probes}
    )


def test_mixed_envelopes_name_both_shapes_with_example_operations() -> None:
    [violation] = list(error_consistency.envelope_consistent(MIXED))
    assert isinstance(violation, Violation)
    assert violation.message == (
        'error bodies come in 2 envelopes: {"detail": …} (FastAPI) for POST /v1/responses, POST /v1/conversations '
        'and 2 more; {"error": {"message": …}} (OpenAI) for GET /v1/files/f'
    )
    assert violation.exchange is MIXED.probes[5][2].exchange


@pytest.mark.parametrize(
    ("body", "label"),
    [
        ({"error": {"message": "m", "type": "t", "code": None}}, '{"error": {"message": …}} (OpenAI)'),
        ({"error": {"detail": {"errors": []}}}, '{"error": {"detail": …}}'),
        ({"detail": "x"}, '{"detail": …} (FastAPI)'),
        ({"message": "x", "code": 3}, '{"code": …, "message": …}'),
        ([1], None),
        ({}, None),
    ],
)
def test_envelopes_are_named_by_shape(body: Any, label: str | None) -> None:
    assert error_consistency.envelope_of(body) == label


def test_nothing_to_judge_is_a_skip_not_a_pass() -> None:
    only_not_found = _summary(MIXED.probes[5])
    with pytest.raises(NotApplicable, match="no invalid-body probe"):
        list(error_consistency.invalid_body_status_consistent(only_not_found))
    html = _summary(_probe("x", "GET /v1/x", 404, "<h1>404</h1>", "not-found"))
    with pytest.raises(NotApplicable, match="no error probe was answered with a JSON object"):
        list(error_consistency.envelope_consistent(html))
    assert _summary().precondition() == "no error probe was answered"
