"""Comparing a streamed object with the stored one, ignoring what legitimately differs.

Two things legitimately differ between a final streamed object and the same object read back:

* a field that is ``null`` on one side and absent on the other: servers serialize with and without
  ``exclude_none`` on different paths, and both mean "no value";
* the top-level fields named in ``ignore``: fields that only one of the two representations carries
  by design (each caller documents its set).

Everything else (values, list lengths, extra keys with values) must be equal.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from conformance.checks.registry import NotApplicable, Violation
from conformance.core.http_exchange import Exchange
from conformance.core.json_types import json_type
from conformance.core.server_message import describe_status

__all__ = ["differences", "mismatch_with_stored"]


def mismatch_with_stored(
    streamed: dict[str, Any], retrieved: Exchange | None, noun: str, ident: Any, ignore: Collection[str] = ()
) -> Iterator[Violation]:
    """What differs between a streamed object and its copy read back right after the stream.

    Not applicable when the suite could not read it back; a read-back that answered an error or no
    JSON is itself the violation.
    """
    if retrieved is None:
        raise NotApplicable(f"the {noun} was not read back")
    if retrieved.status != 200:
        answered = describe_status(retrieved.status, retrieved.text) if retrieved.status is not None else "nothing"
        yield Violation(f"GET of the streamed {noun} {ident!r} answered {answered}", retrieved)
        return
    try:
        stored = retrieved.json()
    except ValueError:
        yield Violation(f"GET of the streamed {noun} {ident!r} did not return JSON", retrieved)
        return
    diffs = differences(streamed, stored, ignore=ignore)
    if diffs:
        shown = "; ".join(diffs[:5]) + (f"; and {len(diffs) - 5} more" if len(diffs) > 5 else "")
        yield Violation(f"the streamed and the stored {noun} differ (streamed vs stored): {shown}", retrieved)


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _walk(a: Any, b: Any, path: str, out: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            left, right = a.get(key), b.get(key)
            if left is None and right is None:
                continue
            _walk(left, right, f"{path}.{key}" if path else str(key), out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path or '(root)'}: {len(a)} items vs {len(b)}")
            return
        for index, (left, right) in enumerate(zip(a, b, strict=True)):
            _walk(left, right, f"{path}[{index}]", out)
    elif a != b or json_type(a) != json_type(b):  # 1 == 1.0 is one number, but True == 1 is not
        out.append(f"{path or '(root)'}: {_describe(a)} vs {_describe(b)}")


def differences(streamed: Any, stored: Any, *, ignore: Collection[str] = ()) -> list[str]:
    """Paths where ``streamed`` and ``stored`` differ, each as ``'path: streamed vs stored'``."""
    if isinstance(streamed, dict) and isinstance(stored, dict) and ignore:
        streamed = {k: v for k, v in streamed.items() if k not in ignore}
        stored = {k: v for k, v in stored.items() if k not in ignore}
    out: list[str] = []
    _walk(streamed, stored, "", out)
    return out
