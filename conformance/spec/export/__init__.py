"""Spec export: each profile's OpenAPI document from its release's protocol definitions.

``export_profile`` installs the definitions package into a cached environment, runs the matching
script from ``_in_env/`` there (it prints JSON), then repairs, completes, validates and renders the
document on our side (``postprocess``, ``errors``, ``streams``, ``links``, ``render``).
"""

from __future__ import annotations

from conformance.spec.export.pipeline import (
    ExportedSpec,
    Mismatch,
    build_spec,
    check_outputs,
    export_profile,
    write_outputs,
)
from conformance.spec.export.sources import SOURCES, ExportSource, get_source

__all__ = [
    "SOURCES",
    "ExportSource",
    "ExportedSpec",
    "Mismatch",
    "build_spec",
    "check_outputs",
    "export_profile",
    "get_source",
    "write_outputs",
]
