"""The Node SDKs in the SDK table: their requirements, their scripts' isolation and toolchain."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conformance.clients.sdks import IN_ENV_DIR, SDKS, SITUATIONS, Sdk, requirement_name, sdk_for
from conformance.core.profiles import PROFILES
from conformance.servers.environments import Environment

NODE_SDKS = [sdk for sdk in SDKS.values() if sdk.language == "node"]


def test_npm_requirements_resolve_to_the_node_sdks_not_the_python_ones() -> None:
    assert requirement_name("npm:openai@7.59.0") == "openai"
    assert sdk_for("npm:openai@7.59.0") is SDKS["openai-node"]
    assert sdk_for("openai==3.57.0") is SDKS["openai"]
    assert sdk_for("npm:llama-stack-client@0.3.0") is SDKS["llama-stack-client-node"]
    assert SDKS["openai-node"].env_spec("npm:openai@7.59.0").requirements == ("openai@7.59.0",)
    assert SDKS["openai-node"].env_spec("npm:openai@7.59.0").kind == "npm"


def test_every_built_in_profile_runs_openai_node_and_0_3_the_llama_stack_client_node() -> None:
    for profile in PROFILES.values():
        assert "npm:openai@7.59.0" in profile.clients
    assert "npm:llama-stack-client@0.3.0" in PROFILES["llama-stack-0.3"].clients
    assert "npm:llama-stack-client@0.3.0" not in PROFILES["ogx-1.5"].clients


def test_the_llama_stack_client_node_error_flows_name_the_paths_that_sdk_calls() -> None:
    flows = {flow.name: flow for flow in SDKS["llama-stack-client-node"].flows}
    assert flows["errors.unknown-id"].operations == ("GET /v1/openai/v1/responses/{response_id}",)
    assert flows["errors.invalid-body"].operations == ("POST /v1/openai/v1/chat/completions",)
    assert flows["errors.no-auth"].operations == SITUATIONS["no-auth"].operations
    assert flows["errors.unknown-id"].situation is SITUATIONS["unknown-id"]


@pytest.mark.parametrize("sdk", NODE_SDKS, ids=lambda s: s.id)
def test_node_flow_scripts_require_only_their_sdk_the_harness_and_node(sdk: Sdk) -> None:
    """They run with NODE_PATH at the SDK's environment, where nothing else is installed (the shared
    flows beside them require only the harness)."""
    ours = {"./flow_harness.cjs", "./common_flows.cjs"}
    required = re.findall(r"require\(\"([^\"]+)\"\)", _code(sdk.script_path))
    assert "./flow_harness.cjs" in required
    for name in required:
        assert name in ours or name.split("/")[0] == sdk.dist, name
    assert re.findall(r"require\(\"([^\"]+)\"\)", _code(IN_ENV_DIR / "common_flows.cjs")) == ["./flow_harness.cjs"]


def _code(path: Path) -> str:
    """A script without its ``//`` comment lines (they may name what a script requires)."""
    return "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("//"))


def test_the_node_harness_requires_only_node_itself() -> None:
    assert set(re.findall(r"require\(\"([^\"]+)\"\)", _code(IN_ENV_DIR / "flow_harness.cjs"))) <= {"fs"}


def test_a_node_sdk_without_node_or_npm_says_which_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda tool: None if tool == "npm" else real(tool))
    assert SDKS["openai-node"].toolchain_missing() == "npm not found on PATH (Node SDK flows need Node.js)"
    assert SDKS["openai"].toolchain_missing() is None
    monkeypatch.setattr(shutil, "which", lambda _tool: None)
    assert SDKS["openai-node"].toolchain_missing() == "node and npm not found on PATH (Node SDK flows need Node.js)"


def test_a_node_script_runs_with_node_path_at_its_environment(tmp_path: Path) -> None:
    from conformance.servers.environments import EnvSpec

    command, extra = SDKS["openai-node"].command(Environment(EnvSpec("x", ("openai@7.59.0",), kind="npm"), tmp_path))
    assert command[-1] == str(IN_ENV_DIR / "openai_flows.cjs")
    assert extra == {"NODE_PATH": str(tmp_path / "node_modules")}
