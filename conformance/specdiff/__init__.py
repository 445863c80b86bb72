"""spec-diff: breaking changes between two OpenAPI 3.1 documents, found by one rule table.

``diff_documents(old, new)`` compares the documents once into facts (``document.py``, with the
schema comparison in ``schemas.py``); ``apply_rules`` turns them into :class:`Change`s by the rows
of :data:`RULES`. Not to be confused with ``conformance.diff``, which classifies the differences
between a recorded answer and a replayed one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.specdiff.document import Fact, diff_documents
from conformance.specdiff.model import Area, Change, Direction, Level
from conformance.specdiff.rules import RULES, SpecRule, apply_rules, get_rule

__all__ = [
    "RULES",
    "Area",
    "Change",
    "Direction",
    "Fact",
    "Level",
    "SpecRule",
    "apply_rules",
    "diff_documents",
    "get_rule",
    "spec_changes",
]


def spec_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new`` that a rule reports, sorted."""
    return apply_rules(diff_documents(old, new))
