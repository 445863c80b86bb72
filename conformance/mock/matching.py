"""Choosing the recorded interaction that answers a request, and naming the nearest ones when none does.

Candidates share the request's method and canonical path template; among them the body decides.
Bodies are compared by shape: the same keys and the same kinds of values count, and so do equal
values, except where a value is an id (ids are bound, not compared: ``mock.state``). A request that
asks for a stream (``"stream": true``) is answered by a recorded stream when there is one, and one
that does not by a recorded non-stream answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from conformance.cassettes.bindings import id_like_values
from conformance.mock.recordings import Recorded

__all__ = ["best_match", "nearest", "similarity"]

_LINEAGE_BONUS = 0.5
"""A recording from the cassette that handed out the ids the request names is preferred: the flow
the client follows is then the recorded one, step by step."""


def similarity(a: Any, b: Any) -> float:
    """0 (nothing alike) to 1 (the same document, ids aside)."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        keys = set(a) | set(b)
        if not keys:
            return 1.0
        return sum(similarity(a[k], b[k]) if k in a and k in b else 0.0 for k in keys) / len(keys)
    if isinstance(a, list) and isinstance(b, list):
        if not a and not b:
            return 1.0
        pairs = sum(similarity(x, y) for x, y in zip(a, b, strict=False))
        return pairs / max(len(a), len(b))
    if type(a) is not type(b):
        return 0.0
    if a == b:
        return 1.0
    return 0.5


def _streams(body: Any) -> bool:
    return isinstance(body, Mapping) and body.get("stream") is True


def _score(entry: Recorded, body: Any, query: Mapping[str, str], lineage: set[str]) -> float:
    score = similarity(entry.body, body) + 0.5 * similarity(entry.query, dict(query))
    if entry.interaction.response.is_stream == _streams(body):
        score += 2.0
    if entry.cassette in lineage:
        score += _LINEAGE_BONUS
    return score


def best_match(
    candidates: Iterable[Recorded], body: Any, query: Mapping[str, str], lineage: set[str]
) -> Recorded | None:
    """The candidate closest to the request (ties: the first in cassette order)."""
    best: tuple[float, Recorded] | None = None
    for entry in candidates:
        score = _score(entry, body, query, lineage)
        if best is None or score > best[0]:
            best = (score, entry)
    return best[1] if best else None


def _path_distance(a: str, b: str) -> float:
    sa, sb = a.strip("/").split("/"), b.strip("/").split("/")
    same = sum(1 for x, y in zip(sa, sb, strict=False) if x == y or x.startswith("{") or y.startswith("{"))
    return same / max(len(sa), len(sb))


def nearest(entries: Iterable[Recorded], method: str, template: str, body: Any, count: int = 3) -> list[Recorded]:
    """The recorded interactions nearest an unmatched request: path first, then method, then body."""
    ranked = sorted(
        (e for e in entries if e.route is not None),
        key=lambda e: (
            -_path_distance(e.route.template if e.route else "", template),
            e.method != method,
            -similarity(e.body, body),
            e.label,
        ),
    )
    return ranked[:count]


def body_ids(body: Any) -> dict[tuple[str | int, ...], str]:
    return dict(id_like_values(body))
