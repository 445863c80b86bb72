"""A file the user gives that carries a Python tag is refused, never run: exit 2, one line naming it.

Each file is read before any server is contacted (port 9 refuses connections: had the command got
that far it would exit 3), and the tag's command would leave a marker file had it run. Plainly
malformed files of each kind (bad syntax, wrong shape) are covered next to their readers
(tests/unit/runner/test_baseline.py, test_severity_levels.py, cassettes/test_store.py,
scenarios/test_declarative.py, spec/test_profile_folder.py, cli/test_profile.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fakes.cli import conformance
from tests.fakes.gateway import EXAMPLE

_SERVER = ("--base-url", "http://127.0.0.1:9")

MakeFile = Callable[[Path, str], tuple[Path, list[str]]]
"""Writes one kind of file carrying the tag; returns it and the command that reads it."""


def _tag(marker: Path) -> str:
    return f'!!python/object/apply:os.system ["touch {marker}"]'


def _baseline(tmp_path: Path, tag: str) -> tuple[Path, list[str]]:
    path = tmp_path / "known.yaml"
    path.write_text(f"version: 1\nentries: {tag}\n")
    return path, ["check", *_SERVER, "--baseline", str(path)]


def _severity_levels(tmp_path: Path, tag: str) -> tuple[Path, list[str]]:
    path = tmp_path / "levels.txt"
    path.write_text(f"# ours\nchat-stream-done-sentinel {tag}\n")
    return path, ["check", *_SERVER, "--severity-levels", str(path)]


def _cassette(tmp_path: Path, tag: str) -> tuple[Path, list[str]]:
    folder = tmp_path / "recordings" / "ogx-1.5"
    folder.mkdir(parents=True)
    path = folder / "models-list.yaml"
    path.write_text(f"version: 1\ninteractions: {tag}\n")
    return path, ["replay", *_SERVER, "--profile", "ogx-1.5", "--recordings", str(tmp_path / "recordings")]


def _profile(tmp_path: Path, tag: str) -> tuple[Path, list[str]]:
    folder = tmp_path / "profile"
    shutil.copytree(EXAMPLE, folder)
    path = folder / "profile.yaml"
    path.write_text(f"id: chat-gateway\ntitle: {tag}\nspec: openapi.yaml\n")
    return path, ["check", *_SERVER, "--profile", str(folder)]


def _scenario(tmp_path: Path, tag: str) -> tuple[Path, list[str]]:
    folder = tmp_path / "profile"
    shutil.copytree(EXAMPLE, folder)
    path = folder / "scenarios" / "evil.yaml"
    path.write_text(f"title: evil\nsteps: {tag}\n")
    return path, ["replay", *_SERVER, "--profile", str(folder)]


@pytest.mark.parametrize(
    ("make", "where"),
    [
        (_baseline, "baseline {path}, line 2"),
        (_severity_levels, "severity levels {path}, line 2"),
        (_cassette, "malformed cassette {path}:2:"),
        (_profile, "profile {path}, line 2"),
        (_scenario, "scenario {path}, line 2"),
    ],
    ids=["baseline", "severity-levels", "cassette", "profile", "scenario"],
)
def test_a_python_tag_is_refused_and_never_run(tmp_path: Path, make: MakeFile, where: str) -> None:
    marker = tmp_path / "PWNED"
    path, args = make(tmp_path, _tag(marker))
    proc = conformance(*args, "--report-dir", str(tmp_path / "out"))
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    named = {f"error: {where.format(path=p)}" for p in (path, path.resolve())}  # profiles name it resolved
    assert any(proc.stderr.startswith(n) for n in named), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not marker.exists()
