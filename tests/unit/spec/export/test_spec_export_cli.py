"""`conformance export`: option handling, writing, and --check's exit codes (the upstream step faked)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import conformance.spec.export as export_package
from conformance.cli import main
from conformance.spec.export import SOURCES
from conformance.spec.export.pipeline import ExportedSpec, build_spec

from .test_spec_postprocess import router_raw


def _run(*argv: str) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    return int(exit_info.value.code or 0)


@pytest.fixture
def exported(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``export_profile`` without an environment: the miniature router output, built for real."""
    calls: list[str] = []
    spec = build_spec("ogx-1.5", router_raw())

    def fake(profile_id: str, progress: Callable[[str], None]) -> ExportedSpec:
        calls.append(profile_id)
        progress("exporting")
        return ExportedSpec(profile_id, spec.spec, spec.text)

    monkeypatch.setattr(export_package, "export_profile", fake)
    return calls


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "choose what to export"),
        (("--all", "--profile", "ogx-1.5"), "either --profile or --all"),
        (("--profile", "ogx-9"), "Invalid value for '--profile'"),
    ],
)
def test_usage_errors_exit_2(argv: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("export", *argv) == 2
    assert message in capsys.readouterr().err


def test_export_writes_and_check_passes_then_fails_after_an_edit(exported: list[str], tmp_path: Path) -> None:
    assert _run("export", "--profile", "ogx-1.5", "--output-dir", str(tmp_path)) == 0
    assert exported == ["ogx-1.5"]
    assert {p.name for p in tmp_path.iterdir()} == {"ogx-1.5.yaml", "README.md"}
    before = (tmp_path / "ogx-1.5.yaml").read_bytes()
    assert _run("export", "--profile", "ogx-1.5", "--output-dir", str(tmp_path), "--check") == 0
    assert (tmp_path / "ogx-1.5.yaml").read_bytes() == before
    (tmp_path / "ogx-1.5.yaml").write_text("openapi: 3.1.0\n")
    assert _run("export", "--profile", "ogx-1.5", "--output-dir", str(tmp_path), "--check") == 1
    assert (tmp_path / "ogx-1.5.yaml").read_text() == "openapi: 3.1.0\n", "--check writes nothing"


def test_all_exports_every_profile(exported: list[str], tmp_path: Path) -> None:
    assert _run("export", "--all", "--output-dir", str(tmp_path)) == 0
    assert exported == list(SOURCES)
