"""The clients suite's ``ogx-client`` flows against the OGX 1.5.0 reference: OGX's own SDK, released with it.

Every flow passes there (measured): the SDK's pydantic models accept every answer the flows read,
streamed chunks and events included, and each error situation raises the class its status calls for
(``NotFoundException`` for an unknown id, route or model, ``BadRequestException`` for an invalid body).
The auth situations are skipped: the reference runs without an API key.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.clients import SDKS
from tests.fakes.cli import conformance
from tests.integration.conftest import ReferenceFactory

pytestmark = [pytest.mark.integration, pytest.mark.sdk]

PREFIX = "clients/ogx-client/"
AUTH = {f"{PREFIX}errors.no-auth", f"{PREFIX}errors.wrong-auth"}


def test_every_ogx_client_flow_works_against_ogx(reference_servers: ReferenceFactory, tmp_path: Path) -> None:
    reference = reference_servers("ogx==1.5.0")
    out = tmp_path / "report"
    proc = conformance(
        "run", "--base-url", reference.base_url, "--profile", "ogx-1.5", "--suite", "clients",
        "--include", f"{PREFIX}*", "--report-dir", str(out), timeout=600,
    )  # fmt: skip
    assert (out / "report.json").is_file(), proc.stderr[-3000:]
    cases = {case["id"]: case for case in json.loads((out / "report.json").read_text())["cases"]}
    assert sorted(cases) == sorted(f"{PREFIX}{flow.name}" for flow in SDKS["ogx-client"].flows)
    got = {case_id: (case["status"], case["findings"] or case.get("reason")) for case_id, case in cases.items()}
    assert {case_id: status for case_id, (status, _) in got.items() if case_id in AUTH} == dict.fromkeys(AUTH, "skip")
    assert {case_id: seen for case_id, seen in got.items() if case_id not in AUTH and seen[0] != "pass"} == {}
    raised = {case["id"]: case["sdk_error"]["raised"] for case in cases.values() if case.get("sdk_error")}
    assert raised[f"{PREFIX}errors.unknown-id"] == "NotFoundException"
    assert raised[f"{PREFIX}errors.invalid-body"] == "BadRequestException"
