"""Media types read from a Content-Type header."""

from __future__ import annotations

import pytest

from conformance.core.media_types import is_json, media_type


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", "application/json"),
        ("Application/JSON; charset=utf-8", "application/json"),
        (" text/event-stream ;charset=utf-8", "text/event-stream"),
        ("", ""),
    ],
)
def test_media_type_drops_parameters_and_case(content_type: str, expected: str) -> None:
    assert media_type(content_type) == expected


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json; charset=utf-8", True),
        ("application/problem+json", True),
        ("text/html; charset=utf-8", False),
        ("text/plain", False),
        ("", False),
    ],
)
def test_is_json_accepts_json_and_structured_json_types(content_type: str, expected: bool) -> None:
    assert is_json(content_type) is expected
