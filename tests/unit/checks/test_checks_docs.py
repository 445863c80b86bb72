"""docs/checks.md is generated from the registry and must be current."""

from __future__ import annotations

from conformance.checks import all_checks
from conformance.checks.docs import DOCS_PATH, render_checks_markdown


def test_docs_checks_md_is_up_to_date() -> None:
    assert DOCS_PATH.read_text(encoding="utf-8") == render_checks_markdown(), (
        "docs/checks.md is stale: run `python -m conformance.checks.docs`"
    )


def test_every_check_is_listed() -> None:
    text = render_checks_markdown()
    for c in all_checks():
        assert f"| `{c.id}` | {c.severity} |" in text
