"""The server's own error message, from every envelope servers of this API use."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.core.server_message import describe_status, reason_phrase, server_message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"error": {"message": "Invalid value for 'conversation_id'", "code": "invalid"}},
            "Invalid value for 'conversation_id'",
        ),
        ({"error": "model not found"}, "model not found"),
        ({"detail": "Non-streaming agent turns not yet implemented"}, "Non-streaming agent turns not yet implemented"),
        (
            {"detail": [{"loc": ["body", "model"], "msg": "Field required", "type": "missing"}]},
            "body.model: Field required",
        ),
        ({"message": "bad things"}, "bad things"),
        (
            {"error": {"detail": {"errors": [{"loc": ["body", "vector_store_ids"], "msg": "Field required"}]}}},
            "body.vector_store_ids: Field required",
        ),
        ('{"detail": "as text"}', "as text"),
        (b'{"error": {"message": "as bytes"}}', "as bytes"),
        ("Internal Server Error", "Internal Server Error"),
    ],
)
def test_server_message_reads_common_envelopes(body: Any, expected: str) -> None:
    assert server_message(body) == expected


@pytest.mark.parametrize("body", [None, "", {"data": []}, "<html><body>oops</body></html>", {"detail": []}])
def test_server_message_is_none_without_a_message(body: Any) -> None:
    assert server_message(body) is None


def test_server_message_is_one_short_line() -> None:
    assert server_message({"detail": "a\n  b"}) == "a b"
    long = server_message({"detail": "x" * 500})
    assert long == "x" * 199 + "…"


def test_validation_lists_name_three_locations_and_count_the_rest() -> None:
    detail = [{"loc": ["query", f"p{n}"], "msg": "bad"} for n in range(5)]
    assert server_message({"detail": detail}) == "query.p0: bad; query.p1: bad; query.p2: bad; and 2 more"


def test_describe_status_names_status_reason_and_message() -> None:
    body = {"detail": "Non-streaming agent turns not yet implemented"}
    assert describe_status(501, body) == "HTTP 501 Not Implemented: Non-streaming agent turns not yet implemented"
    assert describe_status(404) == "HTTP 404 Not Found"
    assert describe_status(599, "") == "HTTP 599"
    assert reason_phrase(422) in {"Unprocessable Content", "Unprocessable Entity"}
