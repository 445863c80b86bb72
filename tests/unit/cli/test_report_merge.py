"""`conformance report merge`: 4 shards of a run against the fake server merge into what one unsharded run
finds; folders that are not the shards of one run are one line and exit 2."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.cli import main
from conformance.core.profiles import get_profile
from conformance.core.results import RunResult
from conformance.reports import read_report, render_json
from tests.fakes.results import sample_result
from tests.fakes.server import make_app

EXAMPLE_PROFILE = Path(__file__).parents[3] / "docs" / "examples" / "chat-gateway"


def conformance(*argv: str) -> int:
    """``conformance ARGV...`` in this process (a subprocess could not skip the recordings' pauses)."""
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    return int(exited.value.code or 0)


@pytest.fixture(autouse=True)
def _no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Recordings pause between list entries; the fake server orders without ties."""
    monkeypatch.setattr("conformance.scenarios.base.time.sleep", lambda _s: None)
    monkeypatch.setattr("conformance.runner.replay.time.sleep", lambda _s: None)


PATHS = (
    "/v1/health",
    "/v1/version",
    "/v1/models",
    "/v1/models/{model_id}",
    "/v1/files",
    "/v1/files/{file_id}",
    "/v1/vector_stores",
    "/v1/vector_stores/{vector_store_id}",
    "/v1/chat/completions/{completion_id}",
    "/v1/conversations/{conversation_id}",
)
"""The property suite's share, to stay quick: a few paths of the profile's spec, among them one with three
methods and operations that create resources others are sent (files, vector stores)."""


def _spec(tmp_path: Path) -> Path:
    spec = yaml.safe_load(get_profile("ogx-1.5").spec_path.read_text(encoding="utf-8"))
    spec["paths"] = {path: item for path, item in spec["paths"].items() if path in PATHS}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def _run(base_url: str, spec: Path, report_dir: Path, *shard: str) -> None:
    code = conformance(
        "run",
        "--base-url",
        base_url,
        "--profile",
        "ogx-1.5",
        *("--suite", "smoke", "--suite", "replay", "--suite", "property", "--suite", "streaming"),
        *("--suite", "errors"),  # clients: tests/unit/runner/test_suite_shards.py (no SDK is installed here)
        "--spec",
        str(spec),
        *("--phase", "examples", "--phase", "coverage", "--phase", "fuzzing"),
        *("--max-examples", "2", "--seed", "3", "--no-progress", "--report-dir", str(report_dir)),
        *shard,
    )
    assert code == 1  # the replayed recordings differ from the fake's answers


def _keys(result: RunResult) -> set[tuple[str, str]]:
    return {finding.key for finding in result.findings}


def test_four_merged_shards_find_what_one_unsharded_run_finds(
    serve_app: Callable[[Any], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The stateful phase is left out: it chains the links among one shard's operations only (docs/reports.md)."""
    base_url = serve_app(make_app())
    spec = _spec(tmp_path)
    _run(base_url, spec, tmp_path / "whole")
    shards = [tmp_path / f"shard-{i}" for i in (1, 2, 3, 4)]
    for index, folder in enumerate(shards, start=1):
        capsys.readouterr()
        _run(base_url, spec, folder, "--shard", f"{index}/4")
        assert f"against profile ogx-1.5, shard {index}/4 (" in capsys.readouterr().err
    merged_dir = tmp_path / "merged"
    assert conformance("report", "merge", *map(str, reversed(shards)), "--report-dir", str(merged_dir)) == 1
    assert "merged 4 shards of" in capsys.readouterr().err

    whole, merged = read_report(tmp_path / "whole"), read_report(merged_dir)
    parts = [read_report(folder) for folder in shards]
    assert all(part.cases for part in parts), "every shard judged some cases"
    assert {c.suite for part in parts for c in part.cases} >= {"smoke", "replay", "property", "streaming", "errors"}
    assert sorted(c.id for c in merged.cases) == sorted(c.id for c in whole.cases)
    assert sum(len(part.cases) for part in parts) == len(whole.cases), "each case is judged in exactly one shard"
    assert _keys(merged) == _keys(whole)
    assert {c.id: c.status for c in merged.cases} == {c.id: c.status for c in whole.cases}
    assert merged.exit_code == whole.exit_code
    assert merged.shard is None
    assert [part.shard.label for part in parts if part.shard] == ["1/4", "2/4", "3/4", "4/4"]
    assert {p.name for p in merged_dir.iterdir()} >= {"report.json", "junit.xml", "summary.md", "report.html"}


def _write_shard(folder: Path, index: int, count: int, *, seed: int = 0) -> Path:
    from conformance.core.results import RunPlan, Shard

    result = sample_result(stale=False).model_copy(
        update={"shard": Shard(index=index, count=count), "plan": RunPlan(command="run", suites=("smoke",), seed=seed)}
    )
    folder.mkdir(parents=True)
    (folder / "report.json").write_text(render_json(result), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda t: [_write_shard(t / "a", 1, 2), t / "a"],
            "error: shard 1/2 is given twice: {t}/a/report.json and {t}/a/report.json",
        ),
        (
            lambda t: [_write_shard(t / "a", 1, 4), _write_shard(t / "b", 2, 4), _write_shard(t / "d", 4, 4)],
            "error: shard 3/4 missing (given: 1/4, 2/4, 4/4)",
        ),
        (
            lambda t: [_write_shard(t / "a", 1, 2), _write_shard(t / "b", 2, 2, seed=9)],
            "error: {t}/b/report.json is not a shard of the run {t}/a/report.json is: its seed is 9, not 0",
        ),
        (
            lambda t: [_write_shard(t / "a", 1, 2), (t / "empty").mkdir() or t / "empty"],
            "error: {t}/empty: no report.json in it (is it a --report-dir a run wrote?)",
        ),
        (
            lambda t: [(t / "bad").mkdir() or ((t / "bad" / "report.json").write_text("{}") and t / "bad")],
            "error: {t}/bad/report.json: schema_version None; this conformance reads version 2",
        ),
    ],
)
def test_folders_that_are_not_the_shards_of_one_run_are_one_line_and_exit_2(
    tmp_path: Path, build: Callable[[Path], list[Path]], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folders = build(tmp_path)
    assert conformance("report", "merge", *map(str, folders), "--report-dir", str(tmp_path / "out")) == 2
    assert capsys.readouterr().err.strip() == message.format(t=tmp_path)
    assert not (tmp_path / "out").exists()


def test_merging_applies_the_baseline_once(tmp_path: Path) -> None:
    folders = [_write_shard(tmp_path / "a", 1, 2), _write_shard(tmp_path / "b", 2, 2)]
    shard = read_report(folders[0])
    expected = sorted({f.key for f in shard.findings if shard.gates(f)})
    baseline = tmp_path / "known.yaml"
    entries = [{"check": check, "operation": operation, "reason": "r"} for check, operation in expected]
    baseline.write_text(yaml.safe_dump({"version": 1, "entries": entries}), encoding="utf-8")
    # sample_result has an error case (exit 3) whatever the baseline; the report says what was expected.
    out = tmp_path / "out"
    assert (
        conformance("report", "merge", *map(str, folders), "--report-dir", str(out), "--baseline", str(baseline)) == 3
    )
    document = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert document["summary"]["unexpected_findings"] == []
    assert document["shard"] is None


def test_shards_of_a_user_profile_run_with_api_merge_when_the_folder_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--api`` makes the merge ask the profile which operations it judges: a user profile comes from its folder."""
    from conformance.core import profiles

    monkeypatch.setattr(profiles, "_LOADED", {})  # the merge process knows only the built-in profiles
    folders = []
    for index in (1, 2):
        folder = _write_shard(tmp_path / str(index), index, 2)
        document = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        document["target"].update(profile="chat-gateway", apis=["chat"])
        (folder / "report.json").write_text(json.dumps(document), encoding="utf-8")
        folders.append(str(folder))
    out = str(tmp_path / "out")
    assert conformance("report", "merge", *folders, "--report-dir", out) == 2
    assert "unknown profile 'chat-gateway'" in capsys.readouterr().err
    assert conformance("report", "merge", *folders, "--report-dir", out, "--profile", str(EXAMPLE_PROFILE)) == 3
    assert json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["target"]["profile"] == (
        "chat-gateway"
    )
    assert conformance("report", "merge", *folders, "--report-dir", out, "--profile", "ogx-1.5") == 2
    assert capsys.readouterr().err.strip().endswith("the shards judged by profile 'chat-gateway'")
