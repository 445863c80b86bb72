"""The inline stylesheet and script of ``report.html``, kept as real files in ``assets/``.

The page embeds both, so it loads nothing from anywhere. The script filters (label, suite, severity,
check), repaints the matrix for the cases shown, unpacks the evidence when a section is opened, opens a
case when its matrix cell is clicked and copies curl commands; without it every section is shown.
"""

from __future__ import annotations

from importlib.resources import files

__all__ = ["LABEL_SYMBOL", "SCRIPT", "STYLE"]

LABEL_SYMBOL = {
    "error": "⚠",
    "fail": "✗",
    "known": "≈",
    "warn": "!",
    "pass": "✓",
    "skip": "○",
    "disabled": "∅",
}
"""One symbol per case label, so the matrix reads without colour too."""

_ASSETS = files("conformance.reports") / "assets"
STYLE = (_ASSETS / "report.css").read_text(encoding="utf-8")
SCRIPT = (_ASSETS / "report.js").read_text(encoding="utf-8")
