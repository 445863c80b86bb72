"""The committed specs are exactly what the pinned protocol definitions export today.

Re-exports every profile (building its cached environment on first use) into a temporary
directory and compares bytes with openapi/. On failure, re-export with `conformance export --all`
and review the diff: a change here means the exporter or a pin changed.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from conformance.core.profiles import PROFILES, openapi_dir
from conformance.spec.export import export_profile, write_outputs

pytestmark = pytest.mark.drift


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("openapi")
    write_outputs([export_profile(profile, lambda _msg: None) for profile in PROFILES], out)
    return out


@pytest.mark.parametrize("name", [*(f"{p}.yaml" for p in PROFILES), "README.md"])
def test_committed_file_matches_a_fresh_export(fresh: Path, name: str) -> None:
    committed = (openapi_dir() / name).read_text()
    exported = (fresh / name).read_text()
    if committed != exported:
        diff = difflib.unified_diff(committed.splitlines(), exported.splitlines(), "committed", "exported", lineterm="")
        pytest.fail(
            f"openapi/{name} drifted; re-export with `conformance export --all`:\n" + "\n".join(list(diff)[:80])
        )


def test_two_exports_are_byte_identical(fresh: Path, tmp_path: Path) -> None:
    write_outputs([export_profile("ogx-1.5", lambda _msg: None)], tmp_path)
    assert (tmp_path / "ogx-1.5.yaml").read_bytes() == (fresh / "ogx-1.5.yaml").read_bytes()
