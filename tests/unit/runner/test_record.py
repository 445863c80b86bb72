"""Recording: cassettes vcrpy can load, with our metadata, no secrets, and the CLI's exit codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from vcr.cassette import Cassette as VcrCassette

from conformance import __version__
from conformance.cassettes import load_cassette, write_cassette
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import HarnessError
from conformance.core.profiles import get_profile
from conformance.core.results import Target
from conformance.runner.record import record_scenario, record_scenarios
from conformance.scenarios import Models, get_scenario
from tests.fakes.cli import conformance
from tests.unit.scenarios.fake_api import CHAT_MODEL, EMBED_MODEL, make_app

PROFILE = get_profile("ogx-1.5")
Serve = Callable[[Any], str]
SECRET = "sk-test-0123456789abcdef"
TENANT = "tenant-secret-777"


def _target(base_url: str) -> Target:
    return Target(base_url=base_url, profile=PROFILE.id, server="fake", version="1.5.0")


def test_recorded_cassettes_load_in_vcrpy_and_carry_the_metadata(serve_app: Serve, tmp_path: Path) -> None:
    base_url = serve_app(make_app())
    with TargetClient(ClientSettings(base_url=base_url)) as client:
        results = record_scenarios(
            client,
            [get_scenario("responses-create"), get_scenario("responses-stream")],
            profile=PROFILE,
            target=_target(base_url),
            folder=tmp_path,
        )
    assert [(r.scenario, r.interactions, r.error) for r in results] == [
        ("responses-create", 5, None),
        ("responses-stream", 3, None),
    ]
    path = tmp_path / "responses-stream.yaml"
    assert len(VcrCassette.load(path=str(path))) == 3
    cassette = load_cassette(path)
    assert cassette.meta.profile == "ogx-1.5"
    assert (cassette.meta.server, cassette.meta.server_version) == ("fake", "1.5.0")
    assert cassette.meta.suite_version == __version__
    assert cassette.meta.recorded_at == dt.datetime.now(dt.UTC).date().isoformat()
    assert cassette.meta.models == {"chat": CHAT_MODEL, "embedding": EMBED_MODEL}
    assert [i.step for i in cassette.interactions] == ["create-stream", "get", "delete"]
    first = cassette.interactions[0]
    assert first.response.is_stream
    assert first.response.body.startswith("data: ")
    assert list(first.response.headers) == ["content-type"]  # date, server and content-length dropped


def test_a_scenario_that_cannot_complete_is_not_written_and_fails_the_recording(
    serve_app: Serve, tmp_path: Path
) -> None:
    base_url = serve_app(make_app())
    with TargetClient(ClientSettings(base_url=base_url)) as client:
        chosen = [get_scenario("conversations-crud"), get_scenario("responses-create")]
        with pytest.raises(HarnessError, match=r"could not record conversations-crud: .*answered 404"):
            record_scenarios(client, chosen, profile=PROFILE, target=_target(base_url), folder=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["responses-create.yaml"]


def test_re_recording_gives_the_same_file_except_the_ids(serve_app: Serve, tmp_path: Path) -> None:
    base_url = serve_app(make_app())
    texts = []
    for n in (1, 2):
        with TargetClient(ClientSettings(base_url=base_url)) as client:
            cassette = record_scenario(
                client,
                get_scenario("responses-create"),
                profile=PROFILE,
                target=_target(base_url),
                models=Models(chat=CHAT_MODEL),
                today=dt.date(2026, 11, 22),
            )
        texts.append(write_cassette(cassette, tmp_path / f"{n}.yaml").read_text())
    changed = [(a, b) for a, b in zip(*(t.splitlines() for t in texts), strict=True) if a != b]
    assert changed  # fresh ids every time
    assert all("resp_" in a or "msg_" in a for a, _ in changed)


def test_secrets_from_the_command_line_appear_in_no_cassette_and_no_report(serve_app: Serve, tmp_path: Path) -> None:
    base_url = serve_app(make_app())
    secrets = ("--api-key", SECRET, "--header", f"X-Tenant: {TENANT}")
    scenarios = ("--scenario", "responses-create", "--scenario", "responses-stream")
    recorded = conformance(
        "record", "--base-url", base_url, "--profile", "ogx-1.5", *scenarios, *secrets,
        "--output-dir", str(tmp_path / "rec"),
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    replayed = conformance(
        "replay", "--base-url", base_url, "--profile", "ogx-1.5", "--recordings", str(tmp_path / "rec"),
        "--strictness", "values", "--report-dir", str(tmp_path / "report"), *secrets,
    )  # fmt: skip
    assert replayed.returncode == 0, replayed.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.suffix for p in written} >= {".yaml", ".json", ".xml", ".md", ".html"}
    for path in written:
        text = path.read_text()
        assert SECRET not in text, path
        assert TENANT not in text, path
    for output in (recorded.stdout, recorded.stderr, replayed.stdout, replayed.stderr):
        assert SECRET not in output
        assert TENANT not in output
    # The echoed header really was in the answers (and in a reported difference), so redaction,
    # not luck, kept it out.
    assert "<redacted>" in (tmp_path / "rec" / "ogx-1.5" / "responses-create.yaml").read_text()
    assert "body.metadata.tenant" in (tmp_path / "report" / "report.json").read_text()


def test_a_malformed_cassette_is_one_line_naming_the_file_and_line_and_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / "ogx-1.5"
    folder.mkdir()
    bad = folder / "responses-create.yaml"
    bad.write_text("version: 1\nconformance: {profile: ogx-1.5, scenario: x}\ninteractions:\n- request: [\n")
    proc = conformance(
        "replay", "--base-url", "http://127.0.0.1:9", "--profile", "ogx-1.5", "--recordings", str(tmp_path)
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: malformed cassette {bad}:5:")


def test_a_stream_longer_than_the_text_kept_is_not_recorded_in_part(
    serve_app: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conformance.core import sse

    monkeypatch.setattr(sse, "RAW_KEPT_CHARS", 50)  # far below the fake's stream: only its start is kept
    base_url = serve_app(make_app())
    with TargetClient(ClientSettings(base_url=base_url)) as client, pytest.raises(HarnessError) as raised:
        record_scenario(client, get_scenario("responses-stream"), profile=PROFILE, target=_target(base_url),
                        models=Models(chat=CHAT_MODEL, embedding=EMBED_MODEL))  # fmt: skip
    assert "responses-stream/create-stream: the stream is longer than the 50 bytes of text kept" in raised.value.message
