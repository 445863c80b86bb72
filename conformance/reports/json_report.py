"""``report.json`` and its JSON Schema, both from the pydantic models.

The schema is generated, never hand-written, so it cannot drift from what is serialized; the committed
copy is ``docs/report.schema.json`` (see :mod:`conformance.reports.schema_file`).
"""

from __future__ import annotations

import json
from typing import Any

from conformance.core.results import RunResult
from conformance.reports.model import Report, build_report

__all__ = ["SCHEMA_ID", "render_json", "render_schema", "report_schema"]

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
