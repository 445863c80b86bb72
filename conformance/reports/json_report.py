"""``report.json`` and its JSON Schema, both from the pydantic models; a report.json read back.

The schema is generated, never hand-written, so it cannot drift from what is serialized; the committed
copy is ``docs/report.schema.json`` (see :mod:`conformance.reports.schema_file`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from conformance.core.errors import UsageError
from conformance.core.json_types import json_type
from conformance.core.results import RunResult
from conformance.reports.model import Report, build_report

__all__ = ["REPORT_JSON", "SCHEMA_ID", "read_report", "render_json", "render_schema", "report_schema"]

REPORT_JSON = "report.json"

SCHEMA_ID = "https://example.invalid/llama-stack-conformance/report.schema.json"


def render_json(result: RunResult) -> str:
    return build_report(result).model_dump_json(indent=2) + "\n"


def report_schema() -> dict[str, Any]:
    schema = Report.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "description": "report.json written by the conformance suite (see docs/reports.md).",
        **schema,
    }


def render_schema() -> str:
    return json.dumps(report_schema(), indent=2, sort_keys=True) + "\n"


def read_report(folder: Path) -> RunResult:
    """The run a ``--report-dir``'s report.json was written from (its summary is recomputed from the run,
    never trusted). Anything else is a usage error naming the file and what is wrong with it."""
    path = folder / REPORT_JSON
    if not folder.exists():
        raise UsageError(f"{folder}: no such folder")
    if folder.is_dir() and not path.exists():
        raise UsageError(f"{folder}: no {REPORT_JSON} in it (is it a --report-dir a run wrote?)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(f"{path}: cannot read it ({why})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(document, dict):
        raise UsageError(f"{path}: not a report (a JSON object expected, found {json_type(document)})")
    version = document.get("schema_version")
    expected = RunResult.model_fields["schema_version"].default
    if version != expected:
        raise UsageError(f"{path}: schema_version {version!r}; this conformance reads version {expected}")
    try:
        report = Report.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "the document"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise UsageError(f"{path}: not a report: {where}: {error['msg']}{more}") from None
    return RunResult(**{name: getattr(report, name) for name in RunResult.model_fields})
