"""Typed, path-aware reading of a JSON request body.

Requests are validated by hand rather than with strict models because the server must be liberal
(unknown fields and explicit nulls are accepted, as real upstream servers send them) yet reject a
wrong type with a 400 naming the exact parameter, e.g. ``messages[2].tool_calls[0].function.name``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from conformance.core.json_types import json_type
from conformance.servers.model.api_errors import ApiError

__all__ = ["Fields", "parse_body"]


def parse_body(raw: bytes) -> Fields:
    """The request body as a JSON object, or a 400."""
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant, parse_float=_finite_float)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(
            "We could not parse the JSON body of your request: it is not valid UTF-8 JSON.", code="invalid_json"
        ) from None
    if not isinstance(data, dict):
        raise ApiError(f"The request body must be a JSON object, got {json_type(data)}.", code="invalid_json")
    return Fields(data, "")


def _reject_constant(name: str) -> Any:
    """``NaN`` and ``Infinity`` are not JSON, even though Python's parser accepts them."""
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    """``1e400`` parses to infinity, which no JSON answer could carry back."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is out of range")
    return value


def _invalid_type(path: str, expected: str, value: object) -> ApiError:
    return ApiError(
        f"Invalid type for '{path}': expected {expected}, but got {json_type(value)} instead.",
        param=path,
        code="invalid_type",
    )


class Fields:
    """A JSON object plus its path in the request; each getter checks one field's type."""

    def __init__(self, data: dict[str, Any], path: str) -> None:
        self.data = data
        self.path = path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None and required:
            raise ApiError(
                f"Missing required parameter: '{self.at(key)}'.", param=self.at(key), code="missing_required_parameter"
            )
        return value

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self._get(key, required)
        if value is not None and not isinstance(value, str):
            raise _invalid_type(self.at(key), "a string", value)
        return value

    def required_text(self, key: str) -> str:
        value = self.text(key, required=True)
        assert value is not None
        return value

    def integer(self, key: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
        value = self._get(key, False)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid_type(self.at(key), "an integer", value)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            low = "" if minimum is None else f" >= {minimum}"
            high = "" if maximum is None else f" <= {maximum}"
            joiner = " and" if low and high else ""
            raise ApiError(
                f"Invalid value for '{self.at(key)}': expected an integer{low}{joiner}{high}, got {value}.",
                param=self.at(key),
                code="invalid_value",
            )
        return value

    def number(self, key: str) -> float | None:
        value = self._get(key, False)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise _invalid_type(self.at(key), "a number", value)
        return None if value is None else float(value)

    def boolean(self, key: str) -> bool | None:
        value = self._get(key, False)
        if value is not None and not isinstance(value, bool):
            raise _invalid_type(self.at(key), "a boolean", value)
        return value

    def obj(self, key: str, *, required: bool = False) -> Fields | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise _invalid_type(self.at(key), "an object", value)
        return Fields(value, self.at(key))

    def raw(self, key: str) -> Any:
        """The untyped value, for fields that accept several shapes (the caller checks them)."""
        return self.data.get(key)

    def objects(self, key: str, *, required: bool = False, non_empty: bool = False) -> list[Fields] | None:
        """An array whose items must all be objects."""
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, list):
            raise _invalid_type(self.at(key), "an array", value)
        if non_empty and not value:
            raise ApiError(
                f"Invalid '{self.at(key)}': empty array. Expected an array with minimum length 1.",
                param=self.at(key),
                code="empty_array",
            )
        items = []
        for index, item in enumerate(value):
            path = f"{self.at(key)}[{index}]"
            if not isinstance(item, dict):
                raise _invalid_type(path, "an object", item)
            items.append(Fields(item, path))
        return items

    def invalid(self, key: str, expected: str) -> ApiError:
        """A type error for ``key`` whose value did not match any accepted shape."""
        return _invalid_type(self.at(key), expected, self.data.get(key))
