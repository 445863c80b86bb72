"""Readable diffs for people: a unified diff of the two normalized documents, and a one-line tally."""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from conformance.core.exchange import cut_text
from conformance.diff.compare import Comparison
from conformance.diff.rules import Difference, Level

__all__ = ["MAX_DIFF_CHARS", "MAX_DIFF_LINES", "tally", "unified_diff"]

MAX_DIFF_LINES = 80
MAX_DIFF_CHARS = 64 * 1024
"""A diff's whole text at most: one line of a body without line breaks can be megabytes."""


def _pretty(document: Any) -> list[str]:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, default=str).splitlines()


def unified_diff(comparison: Comparison, *, context: int = 2, max_lines: int = MAX_DIFF_LINES) -> str:
    """``--- recorded`` / ``+++ target`` over the documents with ids and timestamps masked, at most
    ``max_lines`` lines and :data:`MAX_DIFF_CHARS` characters (saying what was cut).

    Free values show even in ``schema`` mode (where they are not findings): people read values.

    When the bodies were not compared (status or content type changed) the raw texts are shown
    instead, so the reader sees what came back.
    """
    if comparison.bodies_compared:
        before, after = _pretty(comparison.shown_left), _pretty(comparison.shown_right)
    else:
        before = [f"HTTP {comparison.recorded.status} {comparison.recorded.media_type}"]
        before += comparison.recorded.text.splitlines()
        after = [f"HTTP {comparison.target.status} {comparison.target.media_type}"]
        after += comparison.target.text.splitlines()
    lines = list(difflib.unified_diff(before, after, "recorded", "target", n=context, lineterm=""))
    if len(lines) > max_lines:
        lines = [*lines[:max_lines], f"… [{len(lines) - max_lines} more diff lines]"]
    return cut_text("\n".join(lines), MAX_DIFF_CHARS)


def tally(differences: Sequence[Difference]) -> str:
    """``2 breaking, 1 additive`` (or ``no differences``)."""
    counts = Counter(d.level for d in differences)
    parts = [f"{counts[level]} {level.value}" for level in Level if counts[level]]
    return ", ".join(parts) or "no differences"
