"""Users' profiles end to end: ``conformance profile init``, then record and run by the folder.

The worked example (``docs/examples/chat-gateway``) is judged against an in-process gateway:
conformant it exits 0, with one rule of its own jobs API broken it exits 1 and says where.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.cli import conformance
from tests.fakes.gateway import EXAMPLE, make_gateway_app

Serve = Callable[[Any], str]


def _report(folder: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads((folder / "report.json").read_text())
    return report


def test_the_example_profile_judges_a_conformant_gateway_exit_0(serve_app: Serve, tmp_path: Path) -> None:
    url = serve_app(make_gateway_app())
    proc = conformance("run", "--base-url", url, "--profile", str(EXAMPLE), "--report-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "against profile chat-gateway" in proc.stderr
    cases = _report(tmp_path)["cases"]
    assert {c["status"] for c in cases} <= {"pass", "disabled"}
    # Its own API is judged by every suite that can: Schemathesis on the spec, replay of its scenarios.
    judged = {c["operation"] for c in cases if c["status"] == "pass" and c["operation"]}
    assert {"POST /api/jobs/create", "GET /api/jobs/{job_id}"} <= judged
    replayed = {c["id"] for c in cases if c["suite"] == "replay" and c["status"] == "pass"}
    assert {"replay/chat-then-job", "replay/jobs-errors"} <= replayed
    # What the spec does not have (health, responses, agents) is disabled, and says why.
    disabled = [c for c in cases if c["status"] == "disabled"]
    assert disabled
    assert all("spec has no" in c["reason"] or "Agents API" in c["reason"] for c in disabled)


def test_the_example_profile_fails_a_gateway_that_breaks_its_jobs_api(serve_app: Serve, tmp_path: Path) -> None:
    url = serve_app(make_gateway_app({"job-status"}))
    proc = conformance("run", "--base-url", url, "--profile", str(EXAMPLE), "--report-dir", str(tmp_path))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert 'body.status has a value the client cannot know: "queued" -> "finished"' in proc.stdout
    failing = {c["operation"] for c in _report(tmp_path)["cases"] if c["status"] == "fail"}
    assert "GET /api/jobs/{job_id}" in failing


def test_api_selects_the_profile_s_own_groups(serve_app: Serve, tmp_path: Path) -> None:
    url = serve_app(make_gateway_app())
    proc = conformance(
        "check", "--base-url", url, "--profile", str(EXAMPLE), "--api", "jobs", "--report-dir", str(tmp_path)
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "APIs: jobs, models (the other 1 disabled)" in proc.stderr
    cases = _report(tmp_path)["cases"]
    chat = [c for c in cases if (c["operation"] or "").endswith("/v1/chat/completions")]
    assert chat
    assert all(c["status"] == "disabled" for c in chat)


def test_init_then_record_then_run_on_the_example_spec(serve_app: Serve, tmp_path: Path) -> None:
    folder = tmp_path / "my-gateway"
    init = conformance("profile", "init", str(folder), "--spec", str(EXAMPLE / "openapi.yaml"))
    assert init.returncode == 0, init.stderr
    assert init.stdout.split() == [
        str(folder / "openapi.yaml"),
        str(folder / "profile.yaml"),
        str(folder / "scenarios" / "models-read.yaml"),
    ]
    assert "APIs chat, jobs, models" in init.stderr
    profile_text = (folder / "profile.yaml").read_text()
    assert "id: my-gateway" in profile_text
    assert "api_prefixes: [/api]" in profile_text
    assert "#   job_id: '<regular expression>'" in profile_text

    url = serve_app(make_gateway_app())
    record = conformance("record", "--base-url", url, "--profile", str(folder))
    assert record.returncode == 0, record.stderr
    assert (folder / "recordings" / "models-read.yaml").is_file()
    run = conformance("run", "--base-url", url, "--profile", str(folder), "--report-dir", str(tmp_path / "out"), "-v")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "pass replay/models-read" in run.stderr  # passing lines are printed with -v only

    again = conformance("profile", "init", str(folder), "--spec", str(EXAMPLE / "openapi.yaml"))
    assert again.returncode == 2
    assert again.stderr == f"error: {folder} already holds a profile (profile.yaml); choose a new folder\n"


def test_show_lists_what_a_profile_holds() -> None:
    proc = conformance("profile", "show", str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert "apis:           chat, jobs, models" in proc.stdout
    assert "scenarios:      chat-then-job, jobs-errors" in proc.stdout
    assert "recordings:     2 in" in proc.stdout
    builtin = conformance("profile", "show", "ogx-1.5")
    assert "reference:      ogx==1.5.0" in builtin.stdout


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("profile.yaml", "id: chat-gateway", "id: Chat Gateway"), "profile.yaml, line 4: id: 'Chat Gateway' is"),
        (("profile.yaml", "apis: [chat, jobs, models]", "apis: [chat, models]"), "the spec has operations of jobs"),
        (("profile.yaml", "id: chat-gateway", "id: ogx-1.5"), "uses the id 'ogx-1.5' of a built-in profile"),
        (
            ("profile.yaml", "title:", "colour: red\ntitle:"),
            "profile.yaml, line 5: colour: Extra inputs are not permitted",
        ),
        (("profile.yaml", "spec: openapi.yaml", "spec: missing.yaml"), "missing.yaml does not exist"),
        (
            ("scenarios/chat-then-job.yaml", "${steps.create-job.body.id}", "${steps.get-job.body.id}"),
            "chat-then-job.yaml, line 17: steps.2 (get-job): ${steps.get-job.body.id}: no earlier step",
        ),
        (
            ("scenarios/jobs-errors.yaml", "method: GET", "method: FETCH"),
            "jobs-errors.yaml, line 7: steps.0.method: Input should be",
        ),
    ],
)
def test_a_malformed_profile_is_one_line_naming_the_file_and_field_exit_2(
    tmp_path: Path, edit: tuple[str, str, str], message: str
) -> None:
    folder = tmp_path / "profile"
    shutil.copytree(EXAMPLE, folder)
    name, old, new = edit
    path = folder / name
    path.write_text(path.read_text().replace(old, new, 1))
    proc = conformance("replay", "--base-url", "http://127.0.0.1:9", "--profile", str(folder))
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert message in proc.stderr


def test_a_folder_without_a_profile_is_a_usage_error(tmp_path: Path) -> None:
    proc = conformance("check", "--base-url", "http://127.0.0.1:9", "--profile", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr == (
        f"error: {tmp_path} is not a profile: it has no profile.yaml (create one: conformance profile init)\n"
    )


def test_a_profile_s_severity_levels_apply_to_every_run_by_it(serve_app: Serve, tmp_path: Path) -> None:
    folder = tmp_path / "profile"
    shutil.copytree(EXAMPLE, folder)
    (folder / "severity-levels.txt").write_text(
        "# this team accepts unknown job states for now\nenum-value-unknown off\nresponse_schema_conformance may\n"
    )
    url = serve_app(make_gateway_app({"job-status"}))
    proc = conformance("run", "--base-url", url, "--profile", str(folder), "--report-dir", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"applying the severity levels of profile chat-gateway ({folder.resolve() / 'severity-levels.txt'})" in (
        proc.stderr
    )
