"""The pytest plugin as a user runs it: ``pytest --conformance-base-url URL`` (the ``pytest11`` entry point loads it).

Each run is a pytest subprocess (pytester) against the fake server on a real port; the plugin's items,
outcomes and finding keys are read from pytest's own junit.xml.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import make_app
from tests.fakes.cli import conformance

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[3]
TIMEOUT = 600
"""Guards against a hang only: a run takes seconds (the property suite about a minute)."""
BROKEN = {"responses-stream-first-event", "error-unknown-id-404"}
FAST = ("--conformance-profile", "ogx-1.5", "--conformance-suite", "streaming", "--conformance-suite", "errors")
Serve = Callable[[Any], str]


@pytest.fixture
def run_pytest(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Callable[..., pytest.RunResult]:
    """``run_pytest(*args)``: pytest with the plugin in a subprocess (xdist workers import it too)."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))

    def run(*args: str) -> pytest.RunResult:
        return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args,
                                             timeout=TIMEOUT)  # fmt: skip

    return run


def _junit(path: Path) -> dict[str, tuple[str, set[tuple[str, str]]]]:
    """Node name -> (outcome, finding keys) from pytest's junit.xml."""
    cases: dict[str, tuple[str, set[tuple[str, str]]]] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        outcome = "passed"
        for tag in ("failure", "error", "skipped"):
            element = case.find(tag)
            if element is not None:
                xfail = tag == "skipped" and element.get("type") == "pytest.xfail"
                outcome = "xfailed" if xfail else tag
        keys = set()
        for prop in case.iter("property"):
            match = re.match(r"(\S+) (.+?): ", prop.get("value", ""))
            if prop.get("name") == "finding" and match:
                keys.add((match[1], match[2]))
        cases[f"{case.get('classname')}::{case.get('name')}"] = (outcome, keys)
    return cases


def _keys(cases: dict[str, tuple[str, set[tuple[str, str]]]]) -> set[tuple[str, str]]:
    return {key for _, keys in cases.values() for key in keys}


def test_without_its_options_the_plugin_collects_nothing_and_its_fixtures_skip(
    run_pytest: Callable[..., pytest.RunResult], pytester: pytest.Pytester
) -> None:
    pytester.makepyfile(
        test_user="""
        def test_plain():
            assert 1 + 1 == 2

        def test_flow(conformance_client):
            raise AssertionError("not reached without --conformance-base-url")
        """
    )
    result = run_pytest("-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*needs a server to judge: pass --conformance-base-url URL*"])
    assert "conformance::" not in result.stdout.str()


def test_every_case_is_an_item_with_the_case_outcome(
    run_pytest: Callable[..., pytest.RunResult], serve_app: Serve, tmp_path: Path
) -> None:
    url = serve_app(make_app(breaks=BROKEN))
    baseline = tmp_path / "known.yaml"
    baseline.write_text(
        "version: 1\nentries:\n"
        "  - check: error-unknown-id-404\n    operation: GET /v1/models/{model_id}\n    reason: upstream issue 42\n"
    )
    junit = tmp_path / "junit.xml"
    result = run_pytest("--conformance-base-url", url, *FAST,
                        "--conformance-baseline", str(baseline), f"--junitxml={junit}", "-rx")  # fmt: skip
    cases = _junit(junit)
    assert cases["conformance::streaming/responses/text/first-event"][0] == "failure"
    assert cases["conformance::errors/files/get-unknown/unknown-id-404"][0] == "failure"
    assert cases["conformance::errors/models/get-unknown/unknown-id-404"][0] == "xfailed"
    assert cases["conformance::errors/models/get-unknown/json-body"][0] == "passed"
    assert cases["conformance::streaming/agents/turn/turn-start"][0] == "skipped"  # ogx-1.5 has no Agents API
    assert cases["conformance::baseline/stale"][0] == "passed"
    result.stdout.fnmatch_lines(["XFAIL *conformance::errors/models/get-unknown/unknown-id-404 - upstream issue 42"])
    # A failure says what was expected and how to reproduce it.
    result.stdout.fnmatch_lines(
        [
            "*[[]MUST[]] responses-stream-first-event on POST /v1/responses: expected the first event*",
            "*reproduce with:*",
            "*curl -sS -X POST*/v1/responses*",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_keyword_selection_runs_only_the_suites_it_can_select(
    run_pytest: Callable[..., pytest.RunResult], serve_app: Serve
) -> None:
    url = serve_app(make_app())
    result = run_pytest("--conformance-base-url", url, *FAST, "-k", "streaming", "--collect-only", "-q")
    ids = [line for line in result.stdout.lines if line.startswith("conformance::")]
    assert ids
    assert all(line.startswith("conformance::streaming/") for line in ids)
    assert "deselected" not in result.stdout.str()  # the errors suite never ran: nothing to deselect
    marked = run_pytest("--conformance-base-url", url, *FAST, "-m", "conformance_errors and must", "-q", "-rN")
    outcomes = marked.parseoutcomes()
    assert outcomes["deselected"] > 0
    assert outcomes["passed"] > 0


def test_xdist_workers_give_the_same_findings_as_one_process(
    run_pytest: Callable[..., pytest.RunResult], serve_app: Serve, tmp_path: Path
) -> None:
    args = ("--conformance-suite", "smoke", *FAST)
    runs = {}
    for workers in ("0", "2"):
        url = serve_app(make_app(breaks=BROKEN))  # a fresh server per run: same state to begin with
        junit = tmp_path / f"junit-{workers}.xml"
        run_pytest("--conformance-base-url", url, *args, "-n", workers, f"--junitxml={junit}")
        runs[workers] = _junit(junit)
    assert {name: outcome for name, (outcome, _) in runs["2"].items()} == {
        name: outcome for name, (outcome, _) in runs["0"].items()
    }
    assert _keys(runs["2"]) == _keys(runs["0"])
    assert ("responses-stream-first-event", "POST /v1/responses") in _keys(runs["0"])


def test_the_shards_of_a_run_collect_its_items_between_them(
    run_pytest: Callable[..., pytest.RunResult], serve_app: Serve, tmp_path: Path
) -> None:
    """``--conformance-shard i/n`` as ``--shard``: the shards' items are the unsharded run's, each in one shard."""
    runs = {}
    for shard in ("", "1/2", "2/2"):
        url = serve_app(make_app(breaks=BROKEN))  # a fresh server per run: same state to begin with
        junit = tmp_path / f"junit-{shard.replace('/', '-of-') or 'whole'}.xml"
        run_pytest("--conformance-base-url", url, *FAST, *(("--conformance-shard", shard) if shard else ()),
                   f"--junitxml={junit}")  # fmt: skip
        runs[shard] = _junit(junit)
    first, second = runs["1/2"], runs["2/2"]
    assert first, "each shard has items"
    assert second, "each shard has items"
    assert not set(first) & set(second)
    assert {**first, **second} == runs[""]
    assert ("responses-stream-first-event", "POST /v1/responses") in _keys(first) | _keys(second)
    wrong = run_pytest("--conformance-base-url", url, "--conformance-shard", "3/2")
    assert wrong.ret == pytest.ExitCode.USAGE_ERROR
    wrong.stderr.fnmatch_lines(["*--conformance-shard '3/2' must look like i/n with 1 <= i <= n, e.g. 2/4*"])


def test_the_cli_and_the_plugin_find_the_same_keys_for_the_same_seed(
    run_pytest: Callable[..., pytest.RunResult], serve_app: Serve, tmp_path: Path
) -> None:
    suites = ("streaming", "errors", "property")
    cli_url = serve_app(make_app(breaks=BROKEN))
    report = tmp_path / "cli"
    cli_args = [f"--suite={s}" for s in suites] + ["--max-examples", "1", "--seed", "7"]
    proc = conformance("run", "--base-url", cli_url, "--profile", "ogx-1.5", *cli_args, "--report-dir", str(report))
    assert proc.returncode == 1, proc.stderr
    cli_keys = {(f["check_id"], f["operation"]) for c in json.loads((report / "report.json").read_text())["cases"]
                for f in c["findings"]}  # fmt: skip
    plugin_url = serve_app(make_app(breaks=BROKEN))
    junit = tmp_path / "junit.xml"
    plugin_args = [f"--conformance-suite={s}" for s in suites] + ["--conformance-max-examples", "1"]
    run_pytest("--conformance-base-url", plugin_url, "--conformance-profile", "ogx-1.5", *plugin_args,
               "--conformance-seed", "7", f"--junitxml={junit}")  # fmt: skip
    plugin_keys = _keys(_junit(junit))
    assert any(check == "positive_data_acceptance" for check, _ in cli_keys)  # the property suite found some
    assert plugin_keys == cli_keys


def test_a_users_own_test_uses_the_fixtures_and_the_stream_checks(
    run_pytest: Callable[..., pytest.RunResult], pytester: pytest.Pytester, serve_app: Serve
) -> None:
    pytester.makepyfile(
        test_user="""
        import pytest
        from conformance.pytest_plugin import assert_stream_conforms

        BODY = {"model": "fake/conformance-chat", "input": "Say hello.", "stream": True}

        def test_my_flow(conformance_client, conformance_target):
            assert conformance_target.profile.id == "ogx-1.5"
            assert conformance_target.base_url == conformance_client.settings.base_url
            request = conformance_client.build("POST", "/v1/responses", json=BODY)
            exchange = conformance_client.exchange(request, stream=True)
            assert exchange.status == 200
            assert assert_stream_conforms(exchange, kind="responses") == []

        def test_a_stream_that_starts_wrong():
            events = [{"type": "response.in_progress", "sequence_number": 0}]
            with pytest.raises(AssertionError, match="responses-stream-first-event"):
                assert_stream_conforms(events, kind="responses")

        def test_mock(conformance_mock):
            import httpx
            models = httpx.get(f"{conformance_mock}/v1/models").json()
            assert models["data"], "the mock answers from the recordings"
            faulty = httpx.get(f"{conformance_mock}/v1/models", headers={"X-Mock-Fault": "status=503"})
            assert faulty.status_code == 503
            journal = httpx.get(f"{conformance_mock}/__mock/journal").json()
            assert len(journal["requests"]) == 2
        """
    )
    url = serve_app(make_app())
    target = ("--conformance-base-url", url, "--conformance-profile", "ogx-1.5")
    result = run_pytest(*target, "-m", "not conformance", "-rs", "test_user.py")
    result.assert_outcomes(passed=3)


def test_the_plugin_is_a_pytest11_entry_point_of_the_installed_package() -> None:
    """What makes ``pytest --conformance-base-url URL`` work with nothing but the package installed."""
    from importlib.metadata import entry_points

    assert [ep.value for ep in entry_points(group="pytest11") if ep.name == "conformance"] == [
        "conformance.pytest_plugin"
    ]
