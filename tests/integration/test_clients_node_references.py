"""The Node SDK flows against the real references: ``openai`` (Node) on every reference, and the Node
``llama-stack-client`` 0.3.0 (the Agents API) on Llama Stack 0.3.0, its own release.

The Node SDKs validate no schema and their chat stream helper sets only the tool-call fields a delta
carries, so the null tool-call fields that break the Python helper pass here. 0.3.0 answers an unknown
response id 400 (its ValueError mapping), so ``errors.unknown-id`` raises BadRequestError in both Node
SDKs; that is a known finding of the profile.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fakes.cli import conformance
from tests.integration.conftest import ReferenceFactory

pytestmark = [pytest.mark.integration, pytest.mark.sdk]

AUTH = {"errors.no-auth", "errors.wrong-auth"}  # the references run without an API key


def _cases(reference_servers: ReferenceFactory, release: str, profile: str, out: Path) -> dict[str, dict]:
    reference = reference_servers(release)
    proc = conformance(
        "run", "--base-url", reference.base_url, "--profile", profile, "--suite", "clients",
        "--report-dir", str(out), timeout=600,
    )  # fmt: skip
    assert (out / "report.json").is_file(), proc.stderr[-3000:]
    return {case["id"]: case for case in json.loads((out / "report.json").read_text())["cases"]}


def _not_passing(cases: dict[str, dict], sdk: str) -> dict[str, str]:
    prefix = f"clients/{sdk}/"
    return {
        case_id.removeprefix(prefix): case["status"]
        for case_id, case in cases.items()
        if case_id.startswith(prefix) and case["status"] != "pass"
    }


def test_every_node_sdk_flow_passes_against_0_3_0_but_its_unknown_id(
    reference_servers: ReferenceFactory, tmp_path: Path
) -> None:
    cases = _cases(reference_servers, "llama-stack==0.3.0", "llama-stack-0.3", tmp_path / "report")
    for sdk in ("llama-stack-client-node", "openai-node"):
        assert _not_passing(cases, sdk) == {"errors.unknown-id": "fail"} | dict.fromkeys(AUTH, "skip"), sdk
        unknown = cases[f"clients/{sdk}/errors.unknown-id"]
        assert unknown["sdk_error"]["raised"] == "BadRequestError"
        assert unknown["sdk_error"]["status"] == 400
    turn = cases["clients/llama-stack-client-node/agents.turn-stream"]
    assert turn["operation"] == "POST /v1/agents/{agent_id}/session/{session_id}/turn"

    # The error-class table: one row per situation provoked, one column per SDK, in both human reports.
    summary = (tmp_path / "report" / "summary.md").read_text()
    assert "### SDK error classes" in summary
    header = next(line for line in summary.splitlines() if line.startswith("| Situation | Calls for |"))
    assert "openai 7.59.0 (Node)" in header
    assert "llama-stack-client 0.3.0 (Node)" in header
    row = next(line for line in summary.splitlines() if line.startswith("| retrieve a response id that does not exist"))
    assert "❌ BadRequestError (HTTP 400)" in row
    assert "Not provoked: errors.no-auth, errors.wrong-auth" in summary
    page = (tmp_path / "report" / "report.html").read_text()
    assert "<h2>SDK error classes</h2>" in page
    assert "llama-stack-client 0.3.0 (Node)" in page.split('<table class="list sdk-errors">', 1)[1]


@pytest.mark.parametrize(("release", "profile"), [("ogx==1.5.0", "ogx-1.5"), ("llama-stack==0.7.3", "llama-stack-0.7")])
def test_every_openai_node_flow_passes_against_ogx_and_0_7_3(
    reference_servers: ReferenceFactory, tmp_path: Path, release: str, profile: str
) -> None:
    cases = _cases(reference_servers, release, profile, tmp_path / "report")
    assert _not_passing(cases, "openai-node") == dict.fromkeys(AUTH, "skip")
    assert "clients/llama-stack-client-node/agents.create" not in cases  # only 0.3 names that SDK
