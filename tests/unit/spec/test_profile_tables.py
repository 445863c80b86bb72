"""The README's per-profile tables are what the profile table renders (``nox -s docs`` rewrites them)."""

from __future__ import annotations

from pathlib import Path

from conformance.core.profiles import PROFILES
from conformance.spec.profile_tables import SECTIONS, api_table, reference_table, render_readme

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_committed_readme_tables_are_current() -> None:
    text = README.read_text(encoding="utf-8")
    for name in SECTIONS:
        assert f"<!-- profiles:{name} -->" in text
        assert f"<!-- /profiles:{name} -->" in text
    assert render_readme(text) == text, "README tables are stale: run `nox -s docs`"


def test_every_profile_has_a_column_and_every_reference_a_row() -> None:
    header = api_table().splitlines()[0]
    assert all(f"`{p}`" in header for p in PROFILES)
    rows = reference_table().splitlines()[2:]
    assert len(rows) == sum(1 for p in PROFILES.values() if p.reference)
    assert sum("(default)" in row for row in rows) == 1


def test_a_stale_table_is_rewritten() -> None:
    stale = "x\n<!-- profiles:references -->\n| old |\n<!-- /profiles:references -->\ny"
    assert (
        render_readme(stale)
        == f"x\n<!-- profiles:references -->\n{reference_table()}\n<!-- /profiles:references -->\ny"
    )
