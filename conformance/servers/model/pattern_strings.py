"""Strings that match a JSON Schema ``pattern`` (best effort, always checked with ``re``).

The pattern is parsed with the standard library's regular-expression parser and the shortest
simple string is built from it: the minimum repetition count, the first branch, the first
character of each class. When that does not match, a few fixed candidates are tried.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

__all__ = ["matching_string"]

_CANDIDATES = ("a", "A", "0", "value", "a0", "A0", "abc", "123", "aaa-000", "")
_CATEGORY_CHARS = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": "-",
    "CATEGORY_LINEBREAK": "\n",
    "CATEGORY_NOT_LINEBREAK": "a",
}
_NEGATED_PICKS = "aA0_- .xZ9"
_MAX_REPEAT = 256
# The parser is private (re._parser); importing it by name keeps type checkers from needing stubs.
_parser: Any = importlib.import_module("re._parser")


def matching_string(pattern: str, preferred: str) -> str:
    """``preferred`` if it matches ``pattern``, else a string built from the pattern, else a fixed candidate."""
    try:
        compiled = re.compile(pattern)
    except re.error:
        return preferred
    if compiled.search(preferred):
        return preferred
    try:
        built = _emit(_parser.parse(pattern))
    except (ValueError, TypeError, IndexError, re.error):
        built = None
    for candidate in (built, *_CANDIDATES):
        if candidate is not None and compiled.search(candidate):
            return candidate
    return preferred


def _emit(items: Any) -> str:
    return "".join(_node(str(op), value) for op, value in items)


def _node(op: str, value: Any) -> str:
    if op == "LITERAL":
        return chr(value)
    if op == "NOT_LITERAL":
        return "a" if value != ord("a") else "b"
    if op == "ANY":
        return "a"
    if op == "IN":
        return _class(value)
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _high, sub = value
        return _emit(sub) * min(int(low), _MAX_REPEAT)
    if op == "SUBPATTERN":
        return _emit(value[-1])
    if op == "ATOMIC_GROUP":
        return _emit(value)
    if op == "BRANCH":
        return _emit(value[1][0])
    if op == "CATEGORY":
        return _CATEGORY_CHARS.get(str(value), "a")
    if op in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF", "GROUPREF_EXISTS"):
        return ""
    raise ValueError(f"unsupported regular expression node {op}")


def _class(items: Any) -> str:
    """One character of a ``[...]`` class (for a negated class, one that it does not exclude)."""
    if items and str(items[0][0]) == "NEGATE":
        excluded = items[1:]
        return next(ch for ch in _NEGATED_PICKS if not any(_in_item(ch, op, value) for op, value in excluded))
    op, value = items[0]
    if str(op) == "LITERAL":
        return chr(value)
    if str(op) == "RANGE":
        return chr(value[0])
    if str(op) == "CATEGORY":
        return _CATEGORY_CHARS.get(str(value), "a")
    raise ValueError(f"unsupported character class item {op}")


def _in_item(ch: str, op: Any, value: Any) -> bool:
    name = str(op)
    if name == "LITERAL":
        return ord(ch) == int(value)
    if name == "RANGE":
        return bool(value[0] <= ord(ch) <= value[1])
    if name == "CATEGORY":
        return _CATEGORY_CHARS.get(str(value)) == ch or _category_contains(str(value), ch)
    return False


def _category_contains(category: str, ch: str) -> bool:
    probes = {"DIGIT": r"\d", "SPACE": r"\s", "WORD": r"\w", "LINEBREAK": r"\n"}
    for key, probe in probes.items():
        if category.endswith(key):
            inside = re.fullmatch(probe, ch) is not None
            return not inside if "_NOT_" in category else inside
    return False
