"""JSON type names, as JSON Schema names its primitive types (an integer is a number)."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.core.json_types import json_type


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (True, "boolean"),
        (False, "boolean"),
        (1, "number"),
        (1.5, "number"),
        (2.0, "number"),
        ("1", "string"),
        ([1], "array"),
        ({"a": 1}, "object"),
        (b"raw", "bytes"),
    ],
)
def test_json_type_names_the_six_primitive_types(value: Any, expected: str) -> None:
    assert json_type(value) == expected


def test_an_integer_and_a_float_are_one_type_but_a_boolean_is_not_a_number() -> None:
    assert json_type(1) == json_type(1.0)
    assert json_type(True) != json_type(1)
