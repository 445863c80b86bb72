"""conformance/checks/error_contract.py: how errors are answered."""

from __future__ import annotations

import pytest

from conformance.checks import ErrorProbeContext, NotApplicable, error_contract
from tests.fakes.contexts import exchange


def test_a_success_is_judged_only_by_not_success() -> None:
    ctx = ErrorProbeContext(exchange=exchange(200, {"id": "x"}), expect="not-found")
    assert list(error_contract.not_success(ctx)) == ["a request that must fail (not-found) was answered HTTP 200"]
    for check in (error_contract.unknown_id_404, error_contract.json_body):
        with pytest.raises(NotApplicable, match="see error-not-success"):
            list(check(ctx))


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("application/problem+json", '{"detail": "x"}', []),
        ("application/json", "not json", ["the HTTP 404 error body is not valid JSON: 'not json'"]),
        ("application/json", "[1]", ["the HTTP 404 error body is JSON but not an object: '[1]'"]),
        ("text/html", "<h1>404</h1>", ["the HTTP 404 error has content-type 'text/html', expected JSON"]),
    ],
)
def test_json_body(content_type: str, body: str, expected: list[str]) -> None:
    ctx = ErrorProbeContext(exchange=exchange(404, body, content_type=content_type), expect="not-found")
    assert list(error_contract.json_body(ctx)) == expected


@pytest.mark.parametrize(("status", "fires"), [(400, False), (422, False), (404, True), (500, True)])
def test_invalid_body_status(status: int, fires: bool) -> None:
    ctx = ErrorProbeContext(exchange=exchange(status, {"detail": "x"}), expect="invalid-body")
    assert bool(list(error_contract.invalid_body_status(ctx))) is fires
