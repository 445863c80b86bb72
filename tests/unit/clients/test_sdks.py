"""The SDK table: what each profile's clients resolve to, and the flow scripts' isolation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conformance.clients.sdks import IN_ENV_DIR, SDKS, FlowOutcome, requirement_name, sdk_for
from conformance.core.profiles import PROFILES, Profile
from conformance.runner.suites import CHECK_SUITES, SUITES, select_suites


@pytest.mark.parametrize("profile", PROFILES.values(), ids=lambda p: p.id)
def test_every_built_in_profiles_clients_are_exact_requirements_with_flows(profile: Profile) -> None:
    clients = profile.clients
    assert clients, "a built-in profile names the SDKs it is judged with"
    for requirement in clients:
        pinned = "==" in requirement or re.fullmatch(r"npm:@?[^@]+@\d+\.\d+\.\d+", requirement)
        assert pinned, f"{requirement}: an SDK is pinned (profile data, changed on purpose)"
        assert sdk_for(requirement) is not None


def test_requirement_names_are_normalised() -> None:
    assert requirement_name("openai==3.57.0") == "openai"
    assert requirement_name("Llama_Stack.Client >= 0.3") == "llama-stack-client"
    assert sdk_for("OpenAI==1.0") is SDKS["openai"]
    assert sdk_for("ogx_client==1.5.0") is SDKS["ogx-client"]
    assert sdk_for("some-sdk==1.0") is None


def test_every_flow_names_its_operations_and_the_script_knows_it() -> None:
    for sdk in SDKS.values():
        script = sdk.script_path.read_text()
        names = [flow.name for flow in sdk.flows]
        assert len(set(names)) == len(names)
        for flow in sdk.flows:
            assert flow.operations or flow.situation is not None, "only an error flow may be about no operation"
            assert all(op.split(" ", 1)[0].isupper() for op in flow.operations)
            assert f'"{flow.name}":' in script, f"{flow.name} is not in {sdk.script}'s FLOWS"


@pytest.mark.parametrize("script", sorted(IN_ENV_DIR.glob("*.py")), ids=lambda p: p.name)
def test_flow_scripts_import_nothing_of_ours(script: Path) -> None:
    """They run in the SDK's environment, where this package is not installed."""
    tree = ast.parse(script.read_text())
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names] + [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ]
    assert not [name for name in imported if name.split(".")[0] == "conformance"]


def test_an_outcome_line_reads_back() -> None:
    outcome = FlowOutcome.from_json(
        {"flow": "chat.create", "outcome": "fail", "error_type": "openai.APIError", "message": "m", "warnings": ["w"]}
    )
    assert (outcome.outcome, outcome.error_type, outcome.warnings) == ("fail", "openai.APIError", ("w",))
    with pytest.raises(ValueError, match="unknown outcome"):
        FlowOutcome.from_json({"flow": "x", "outcome": "maybe"})


def test_clients_runs_in_run_and_alone_but_not_in_check() -> None:
    assert "clients" in SUITES
    assert "clients" not in CHECK_SUITES
    profile = PROFILES["ogx-1.5"]
    assert [s.name for s in select_suites(("clients",), profile)] == ["clients"]
    assert "clients" in [s.name for s in select_suites((), profile)]


def test_a_profile_folder_may_name_its_clients() -> None:
    from conformance.spec.profile_folder import ProfileFile

    profile = ProfileFile.model_validate({"id": "my-gateway", "clients": ["openai==3.57.0"]}).to_profile(home=None)
    assert profile.clients == ("openai==3.57.0",)
    assert ProfileFile.model_validate({"id": "my-gateway"}).to_profile(home=None).clients == ()


def test_a_client_option_must_be_an_exact_version_of_an_sdk_with_flows(monkeypatch: pytest.MonkeyPatch) -> None:
    from conformance.clients.sdks import Sdk, check_client

    node = Sdk(id="openai-node-test", dist="openai", language="node", script="x.cjs", flows=())
    monkeypatch.setitem(SDKS, node.id, node)
    assert check_client("openai==3.50.0") == "openai==3.50.0"
    assert check_client(" npm:openai@4.95.0 ") == "npm:openai@4.95.0"
    with pytest.raises(ValueError, match=r"'openai>=3' is not an exact version: write openai==VERSION"):
        check_client("openai>=3")
    with pytest.raises(ValueError, match=r"write npm:openai@VERSION"):
        check_client("npm:openai@latest")
    with pytest.raises(ValueError, match=r"no flows are written for 'requests==2.0' \(SDKs with flows: .*openai"):
        check_client("requests==2.0")
    with pytest.raises(ValueError, match="no flows are written"):
        check_client("npm:left-pad@1.0.0")


def test_a_client_option_replaces_the_same_sdk_and_adds_another() -> None:
    from conformance.clients.sdks import with_clients

    profile = ("openai==3.57.0", "npm:openai@4.95.0")
    assert with_clients(profile, ()) == profile
    assert with_clients(profile, ("openai==3.50.0",)) == ("npm:openai@4.95.0", "openai==3.50.0")
    assert with_clients(profile, ("npm:openai@5.0.0",)) == ("openai==3.57.0", "npm:openai@5.0.0")
    both = with_clients(profile, ("openai==3.50.0", "openai==3.40.0"))
    assert both == ("npm:openai@4.95.0", "openai==3.50.0", "openai==3.40.0")


def test_node_requirements_are_their_own_language() -> None:
    assert requirement_name("npm:openai@4.95.0") == "openai"
    assert requirement_name("npm:@scope/pkg@1.0.0") == "@scope/pkg"
    assert sdk_for("npm:openai@4.95.0") is SDKS["openai-node"]  # never the Python SDK of the same name
    assert sdk_for("openai==3.57.0") is SDKS["openai"]
