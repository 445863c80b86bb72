"""When the target answers something the recording never expected: which recorded answer it resembles.

A replayed request that comes back with, say, a 404 instead of a 200 is easier to understand next
to the recorded interaction whose answer looks most like it (often the recorded error case). The
distance is the classified diff itself: breaking differences weigh most, value-only least.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from conformance.diff.compare import Comparison, compare
from conformance.diff.normalize import Strictness
from conformance.diff.observed import Observed
from conformance.diff.rules import Difference, Level, classify

__all__ = ["Closest", "closest_recorded", "distance"]

_WEIGHT = {Level.BREAKING: 100, Level.ADDITIVE: 10, Level.VALUE_ONLY: 1}


@dataclass(frozen=True, slots=True)
class Closest:
    label: str
    comparison: Comparison
    differences: tuple[Difference, ...]
    distance: int


def distance(differences: Iterable[Difference]) -> int:
    return sum(_WEIGHT[d.level] for d in differences)


def closest_recorded(target: Observed, candidates: Iterable[tuple[str, Observed]]) -> Closest | None:
    """The candidate (label, recorded answer) nearest to ``target``, compared by shape.

    Only candidates with the same status and media type are considered: anything else would be
    "closest" by accident.
    """
    best: Closest | None = None
    for label, recorded in candidates:
        if recorded.status != target.status or recorded.media_type != target.media_type:
            continue
        comparison = compare(recorded, target, strictness=Strictness.SCHEMA)
        differences = tuple(classify(comparison))
        score = distance(differences)
        if best is None or score < best.distance:
            best = Closest(label, comparison, differences, score)
    return best
