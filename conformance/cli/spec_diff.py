"""`conformance spec-diff OLD NEW`: the breaking changes between two specs, by the spec-diff rule table."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import click

from conformance.cli._console import out_console
from conformance.core.errors import ExitCode, UsageError
from conformance.core.profiles import PROFILES

__all__ = ["command", "read_spec_argument"]


def read_spec_argument(value: str) -> tuple[str, dict[str, Any]]:
    """(label, document) of a profile id or a spec file; anything else is a usage error naming it."""
    from conformance.spec.loader import check_spec

    if value in PROFILES:
        return value, check_spec(PROFILES[value].spec_path)
    path = Path(value)
    if not path.is_file():
        known = ", ".join(PROFILES)
        raise UsageError(f"spec {value}: no such file, and not a profile id ({known})")
    return value, check_spec(path)


@click.command("spec-diff")
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json", "junit"]),
    default="text",
    show_default=True,
    help="How the changes are written.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report here instead of standard output.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["ERR", "WARN", "INFO"], case_sensitive=False),
    default="ERR",
    show_default=True,
    help="Exit 1 when a change at or above this level remains.",
)
@click.option(
    "--ignore",
    "ignore_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="YAML list of changes made on purpose: rule, operation and a reason each.",
)
def command(old: str, new: str, output_format: str, output: Path | None, fail_on: str, ignore_file: Path | None) -> int:
    """Report the changes from spec OLD to spec NEW that break (ERR), may break (WARN) or inform (INFO).

    OLD and NEW are OpenAPI files or profile ids (llama-stack-0.7, ogx-1.5, ...). Every change
    is found by one rule of a fixed table (stable ids, levels, directions; see docs/spec-diff.md).
    Exit 0 when nothing at or above --fail-on remains, 1 when something does, 2 for a missing or
    malformed spec or ignore file.
    """
    from conformance.specdiff import Level, spec_changes
    from conformance.specdiff.ignore import read_ignore_file, split_ignored
    from conformance.specdiff.render import Format, SpecDiffReport, render

    entries = read_ignore_file(ignore_file) if ignore_file else []
    old_label, old_spec = read_spec_argument(old)
    new_label, new_spec = read_spec_argument(new)
    kept, ignored = split_ignored(spec_changes(old_spec, new_spec), entries)
    report = SpecDiffReport(old_label, new_label, kept, Level(fail_on.upper()), ignored)
    text = render(report, cast(Format, output_format))  # click.Choice allows only FORMATS
    if output is None:
        out_console.print(text, end="", markup=False, highlight=False, soft_wrap=True)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--output {output}: cannot write it ({exc.strerror or exc})") from None
    return int(ExitCode.FAILURES if report.failing else ExitCode.OK)
