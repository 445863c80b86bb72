"""The JSON type of a value, named as JSON Schema names its primitive types.

JSON Schema has six primitive types: ``null``, ``boolean``, ``number``, ``string``, ``array`` and
``object``. ``integer`` is not a seventh: it is a number with no fractional part (``1`` and ``1.0``
are both integers), so a Python ``int`` and ``float`` are both ``number`` here. ``bool`` is checked
before ``int``: ``True`` is a boolean, never the number 1.
"""

from __future__ import annotations

from typing import Any

__all__ = ["json_type"]


def json_type(value: Any) -> str:
    """``'null'``, ``'boolean'``, ``'number'``, ``'string'``, ``'array'`` or ``'object'``; a value
    JSON cannot carry is named by its Python type (``'bytes'``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
