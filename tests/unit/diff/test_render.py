"""conformance/diff/render.py: a readable diff stays readable, and bounded, whatever the bodies."""

from __future__ import annotations

import json
import re

from conformance.diff import compare, observe, unified_diff
from conformance.diff.render import MAX_DIFF_CHARS


def test_a_body_of_one_huge_line_gives_a_diff_of_bounded_size_that_says_how_big_it_was() -> None:
    recorded = observe(200, "application/json", json.dumps({"data": []}))
    target = observe(200, "text/plain", "y" * 5_000_000)  # no line break: MAX_DIFF_LINES alone would not cut it
    diff = unified_diff(compare(recorded, target))
    assert len(diff) < MAX_DIFF_CHARS + 40
    assert diff.startswith("--- recorded\n+++ target")
    said = re.search(r"… \(([\d,]+) bytes\)$", diff)
    assert said is not None
    assert int(said[1].replace(",", "")) > 5_000_000


def test_a_small_diff_is_whole() -> None:
    recorded = observe(200, "application/json", json.dumps({"status": "queued"}))
    target = observe(200, "application/json", json.dumps({"status": "done"}))
    diff = unified_diff(compare(recorded, target))
    assert "bytes)" not in diff
    assert '-    "status": "queued"\n+    "status": "done"' in diff
