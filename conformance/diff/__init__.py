"""Classifying what changed between a recorded response and a replayed one.

``observed`` parses both sides alike, ``normalize`` masks what may differ (ids and timestamps
always, free values in ``schema`` mode), ``compare`` runs deepdiff once, and the ``rules`` table
turns that precomputed diff into breaking, additive and value-only differences.
"""

from conformance.diff.closest import Closest, closest_recorded, distance
from conformance.diff.compare import Comparison, StreamDelta, compare, known_enum_values
from conformance.diff.enums import EnumIndex, enum_index, required_keys
from conformance.diff.normalize import Strictness, normalize
from conformance.diff.observed import Observed, StreamEvent, event_type, observe
from conformance.diff.render import tally, unified_diff
from conformance.diff.rules import RULES, Difference, DiffRule, Level, classify, format_path, get_rule

__all__ = [
    "RULES",
    "Closest",
    "Comparison",
    "DiffRule",
    "Difference",
    "EnumIndex",
    "Level",
    "Observed",
    "StreamDelta",
    "StreamEvent",
    "Strictness",
    "classify",
    "closest_recorded",
    "compare",
    "distance",
    "enum_index",
    "event_type",
    "format_path",
    "get_rule",
    "known_enum_values",
    "normalize",
    "observe",
    "required_keys",
    "tally",
    "unified_diff",
]
