"""Strings for ``pattern`` keywords: the preferred text when it matches, else one built from the pattern."""

from __future__ import annotations

import re

import pytest

from conformance.servers.model.pattern_strings import matching_string


@pytest.mark.parametrize(
    "pattern",
    [
        r"^[0-9]{5}$",
        r"^[A-Z]{2}-\d+$",
        r"^(foo|bar)_[a-z]+$",
        r"^[^a]+$",
        r"^[^\d\s]{3}$",
        r"^\d{4}-\d{2}-\d{2}$",
        r"^sk-[A-Za-z0-9]{8,}$",
        r"^(?:[a-z]+\.)+com$",
        r"^\w+@\w+\.\w{2,3}$",
        r"^[a-z]+?$",
        r"^(?=x)x$",
    ],
)
def test_the_string_matches(pattern: str) -> None:
    assert re.search(pattern, matching_string(pattern, "What is it?"))


def test_the_preferred_text_is_kept_when_it_matches() -> None:
    assert matching_string("Paris", "Weather in Paris") == "Weather in Paris"


def test_an_invalid_pattern_keeps_the_preferred_text() -> None:
    assert matching_string("(unclosed", "text") == "text"
