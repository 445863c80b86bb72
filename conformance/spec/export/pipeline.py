"""Export orchestration: environment -> upstream exporter -> post-processing -> validation -> YAML -> files."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from conformance.core.errors import HarnessError
from conformance.core.profiles import get_profile
from conformance.spec.export.postprocess import finalize
from conformance.spec.export.readme import render_readme
from conformance.spec.export.render import render_yaml
from conformance.spec.export.sources import get_source
from conformance.spec.export.upstream import extract
from conformance.spec.validation import spec_errors

__all__ = ["README_NAME", "ExportedSpec", "Mismatch", "build_spec", "check_outputs", "export_profile", "write_outputs"]

README_NAME = "README.md"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ExportedSpec:
    profile: str
    spec: dict[str, Any]
    text: str

    @property
    def filename(self) -> str:
        return f"{self.profile}.yaml"


@dataclass(frozen=True)
class Mismatch:
    """A committed file that differs from the fresh export (or is missing)."""

    path: Path
    diff: str


def build_spec(profile_id: str, raw: dict[str, Any]) -> ExportedSpec:
    """Post-process, validate and render what the upstream exporter printed (no environment needed)."""
    profile, source = get_profile(profile_id), get_source(profile_id)
    try:
        spec = finalize(raw, source, profile)
    except ValueError as exc:
        raise HarnessError(f"exporting {profile_id}: {exc}") from None
    errors = spec_errors(spec)
    if errors:
        raise HarnessError(f"the exported {profile_id} spec is not valid OpenAPI 3.1", detail="\n".join(errors[:20]))
    text = render_yaml(spec, profile=profile_id, source=source.requirement)
    return ExportedSpec(profile_id, spec, text)


def export_profile(profile_id: str, progress: Progress) -> ExportedSpec:
    """Install the profile's definitions package (cached), export and build its spec."""
    source = get_source(get_profile(profile_id).id)
    return build_spec(profile_id, extract(source, progress))


def _readme(exported: Sequence[ExportedSpec], output_dir: Path) -> str:
    """README over the fresh exports plus whatever other profiles' specs are already in ``output_dir``."""
    specs: dict[str, Any] = {}
    for path in sorted(output_dir.glob("*.yaml")):
        loaded = yaml.safe_load(path.read_text())
        if isinstance(loaded, dict) and "x-conformance" in loaded:
            specs[path.stem] = loaded
    specs.update({e.profile: e.spec for e in exported})
    return render_readme(specs)


def write_outputs(exported: Sequence[ExportedSpec], output_dir: Path) -> list[Path]:
    """Write the specs and regenerate the README; returns the files written."""
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for item in exported:
        path = output_dir / item.filename
        path.write_text(item.text)
        written.append(path)
    readme = output_dir / README_NAME
    readme.write_text(_readme(exported, output_dir))
    return [*written, readme]


def _compare(path: Path, expected: str) -> Mismatch | None:
    actual = path.read_text() if path.is_file() else ""
    if actual == expected:
        return None
    diff = difflib.unified_diff(
        actual.splitlines(keepends=True), expected.splitlines(keepends=True), str(path), "fresh export", n=2
    )
    return Mismatch(path, "".join(list(diff)[:60]) or f"{path} is missing")


def check_outputs(exported: Sequence[ExportedSpec], output_dir: Path) -> list[Mismatch]:
    """The committed files (specs and README) that differ from the fresh export."""
    mismatches = [_compare(output_dir / item.filename, item.text) for item in exported]
    mismatches.append(_compare(output_dir / README_NAME, _readme(exported, output_dir)))
    return [m for m in mismatches if m is not None]
