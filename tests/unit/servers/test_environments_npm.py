"""npm environments (a Node SDK's cached ``node_modules``): built with the real npm, reused, cleaned up."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conformance.core.errors import HarnessError
from conformance.servers import environments
from conformance.servers.environments import EnvSpec, ensure_environment

needs_npm = pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None, reason="node and npm are not on PATH"
)
SPEC = EnvSpec("sdk-openai-node", ("openai@7.59.0",), kind="npm")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CONFORMANCE_CACHE_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.sdk
@needs_npm
def test_an_npm_environment_holds_exactly_the_pinned_package_and_is_reused(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    env = ensure_environment(SPEC, said.append)
    assert env.path == cache / "envs" / SPEC.key
    installed = json.loads((env.node_modules / "openai" / "package.json").read_text())
    assert installed["version"] == "7.59.0"
    assert json.loads((env.path / "package.json").read_text())["dependencies"] == {"openai": "7.59.0"}
    assert said[0] == "installing sdk-openai-node"
    assert said[-1] == "environment sdk-openai-node ready"
    node = shutil.which("node")
    assert node is not None
    loaded = subprocess.run(
        [node, "-e", 'process.stdout.write(require("openai/version").VERSION)'],
        env={"NODE_PATH": str(env.node_modules), "PATH": ""},
        cwd=cache,
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout == "7.59.0"

    def no_second_install(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a ready environment is not installed again")

    monkeypatch.setattr(environments, "_run_step", no_second_install)
    assert ensure_environment(SPEC) == env


@pytest.mark.sdk
@needs_npm
def test_a_version_the_registry_does_not_have_is_a_harness_error_and_leaves_nothing(cache: Path) -> None:
    spec = EnvSpec("sdk-openai-node", ("openai@0.0.0-conformance-absent",), kind="npm")
    with pytest.raises(HarnessError, match="installing sdk-openai-node failed") as info:
        ensure_environment(spec)
    assert "openai@0.0.0-conformance-absent" in (info.value.detail or "")  # npm's own words (ETARGET)
    assert not (cache / "envs" / spec.key).exists()


def test_without_npm_building_an_npm_environment_is_a_harness_error(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _tool: None)
    with pytest.raises(HarnessError, match="installing sdk-openai-node needs npm, which is not on PATH"):
        ensure_environment(SPEC)
    assert not (cache / "envs" / SPEC.key).exists()


def test_an_npm_environment_is_keyed_by_its_packages_not_by_our_python() -> None:
    assert SPEC.key == EnvSpec("sdk-openai-node", ("openai@7.59.0",), kind="npm").key
    assert SPEC.key != EnvSpec("sdk-openai-node", ("openai@7.58.0",), kind="npm").key
    assert SPEC.key != EnvSpec("sdk-openai-node", ("openai@7.59.0",)).key


def test_a_half_built_npm_environment_is_not_ready(cache: Path) -> None:
    """A marker without node_modules (an interrupted install) is rebuilt, never used."""
    path = cache / "envs" / SPEC.key
    path.mkdir(parents=True)
    (path / "conformance-env.json").write_text(json.dumps({"requirements": list(SPEC.requirements)}))
    assert not environments._is_ready(path, SPEC)
    (path / "node_modules").mkdir()
    assert environments._is_ready(path, SPEC)
