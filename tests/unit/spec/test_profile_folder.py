"""Users' profile folders: reading profile.yaml into a Profile, and scaffolding one from a spec."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from conformance.core import profiles
from conformance.core.errors import UsageError
from conformance.core.profiles import PROFILES, get_profile
from conformance.spec.profile_folder import load_profile_folder, resolve_profile, scaffold_profile
from tests.fakes.gateway import EXAMPLE


@pytest.fixture(autouse=True)
def _forget_loaded_profiles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(profiles, "_LOADED", {})  # the profiles a test loads are forgotten after it


def _copy(tmp_path: Path, profile_id: str) -> Path:
    folder = tmp_path / profile_id
    shutil.copytree(EXAMPLE, folder)
    path = folder / "profile.yaml"
    path.write_text(path.read_text().replace("id: chat-gateway", f"id: {profile_id}"))
    return folder


def test_a_folder_reads_into_a_profile_registered_by_its_id(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "gw-read")
    profile = resolve_profile(str(folder))
    assert get_profile("gw-read") is profile
    assert (profile.home, profile.spec_path, profile.recordings) == (
        folder.resolve(),
        folder.resolve() / "openapi.yaml",
        folder.resolve() / "recordings",
    )
    assert profile.apis == ("chat", "jobs", "models")
    assert profile.id_formats == {"job_id": "job_[0-9a-f]{24}"}
    assert profile.api_of("POST /api/jobs/create") == "jobs"
    assert not profile.builtin
    assert resolve_profile("ogx-1.5") is PROFILES["ogx-1.5"]


def test_apis_left_out_come_from_the_spec_paths(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "gw-derived")
    path = folder / "profile.yaml"
    path.write_text(path.read_text().replace("apis: [chat, jobs, models]", ""))
    assert load_profile_folder(folder).apis == ("chat", "jobs", "models")


def test_two_folders_may_not_share_an_id(tmp_path: Path) -> None:
    load_profile_folder(_copy(tmp_path / "a", "gw-twice"))
    with pytest.raises(UsageError, match="two profiles named 'gw-twice'"):
        load_profile_folder(_copy(tmp_path / "b", "gw-twice"))


def test_an_id_pattern_must_compile(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "gw-pattern")
    path = folder / "profile.yaml"
    path.write_text(path.read_text().replace('"job_[0-9a-f]{24}"', '"job_[0-9a-f"'))
    with pytest.raises(UsageError, match=r"ids: job_id: 'job_\[0-9a-f' is not a regular expression"):
        load_profile_folder(folder)


def test_init_writes_a_profile_that_loads_and_a_starter_scenario(tmp_path: Path) -> None:
    folder = tmp_path / "New Gateway"
    written = scaffold_profile(folder, EXAMPLE / "openapi.yaml")
    assert [p.relative_to(folder).as_posix() for p in written] == [
        "openapi.yaml",
        "profile.yaml",
        "scenarios/models-read.yaml",
    ]
    data = yaml.safe_load((folder / "profile.yaml").read_text())
    assert data == {
        "id": "new-gateway",
        "title": "Chat gateway (example)",
        "spec": "openapi.yaml",
        "versions": [],
        "api_prefixes": ["/api"],
        "apis": ["chat", "jobs", "models"],
        "ids": {},
    }
    starter = yaml.safe_load((folder / "scenarios" / "models-read.yaml").read_text())
    assert starter["steps"] == [{"name": "read", "method": "GET", "path": "/v1/models", "status": 200}]
    assert (folder / "recordings").is_dir()


def test_init_keeps_a_json_spec_as_json_and_takes_an_id(tmp_path: Path) -> None:
    spec = tmp_path / "api.json"
    spec.write_text(json.dumps(yaml.safe_load((EXAMPLE / "openapi.yaml").read_text())))
    written = scaffold_profile(tmp_path / "p", spec, profile_id="gw-json")
    assert written[0].name == "openapi.json"
    assert load_profile_folder(tmp_path / "p").id == "gw-json"


@pytest.mark.parametrize(
    ("profile_id", "message"),
    [("ogx-1.5", "is a built-in profile's id"), ("Not An Id", "is not a profile id")],
)
def test_init_refuses_ids_that_cannot_be_used(tmp_path: Path, profile_id: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        scaffold_profile(tmp_path / "p", EXAMPLE / "openapi.yaml", profile_id=profile_id)
    assert not (tmp_path / "p").exists()


def test_init_refuses_a_spec_that_is_not_openapi(tmp_path: Path) -> None:
    spec = tmp_path / "notes.yaml"
    spec.write_text("just: notes\n")
    with pytest.raises(UsageError, match="is not an OpenAPI document"):
        scaffold_profile(tmp_path / "p", spec)
    assert not (tmp_path / "p").exists()
