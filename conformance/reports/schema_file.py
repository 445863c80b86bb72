"""Writes the committed schema: ``python -m conformance.reports.schema_file [path]``.

A unit test compares ``docs/report.schema.json`` with :func:`render_schema`, so a model change that
is not followed by a regeneration fails CI instead of shipping a stale schema.
"""

from __future__ import annotations

import sys
from pathlib import Path

from conformance.reports.json_report import render_schema

__all__ = ["SCHEMA_PATH", "main"]

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_PATH
    target.write_text(render_schema(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
