"""Launcher behaviour with a fake upstream release (the real ones run in tests/integration)."""

from __future__ import annotations

import dataclasses
import re
import socket
import sys
from pathlib import Path

import httpx
import pytest

from conformance.core.errors import ExitCode, HarnessError, UsageError
from conformance.servers import environments
from conformance.servers.reference import launcher
from conformance.servers.reference.releases import RELEASES

FAKE_UPSTREAM = """
import http.server, json, sys

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"status": "OK"} if self.path == "/v1/health" else {"version": "0.0.1"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_POST = do_GET
    def log_message(self, *args):
        pass

def main():
    port = int(sys.argv[sys.argv.index("--port") + 1])
    http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()

def crash():
    print("fake upstream: cannot load the run configuration", flush=True)
    raise SystemExit(4)
"""


@pytest.fixture
def fake_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A release whose 'environment' is this interpreter's and whose server is FAKE_UPSTREAM.

    Its own state directory: `stop` without filters must not touch references other tests started.
    """
    monkeypatch.setenv("CONFORMANCE_STATE_DIR", str(tmp_path / "state"))
    (tmp_path / "fake_upstream.py").write_text(FAKE_UPSTREAM)
    release = dataclasses.replace(RELEASES["ogx==1.5.0"], entry_point="fake_upstream:main", extra_run_args=())
    monkeypatch.setitem(RELEASES, release.id, release)
    monkeypatch.setattr(
        launcher, "ensure_environment", lambda spec, progress=None: environments.Environment(spec, Path(sys.prefix))
    )
    original_child_env = launcher._child_env
    monkeypatch.setattr(
        launcher, "_child_env", lambda extra: {**original_child_env(extra), "PYTHONPATH": str(tmp_path)}
    )
    return release.id


def _no_references_left() -> bool:
    return launcher.list_references() == [] and not any(launcher.state_root().iterdir())


def test_start_then_stop_ends_exactly_the_processes_it_started(fake_release: str) -> None:
    reference = launcher.start_reference(fake_release, port=0)
    try:
        assert httpx.get(f"{reference.base_url}/v1/health").json() == {"status": "OK"}
        assert [p.name for p in reference.processes] == ["model", "ogx"]
        assert all(p.alive() for p in reference.processes)
        (listed,) = launcher.list_references()
        assert listed == reference
    finally:
        stopped = launcher.stop_references()
    assert [s.base_url for s in stopped] == [reference.base_url]
    assert not any(p.alive() for p in reference.processes)
    assert _no_references_left()


def test_a_busy_port_is_a_usage_error_and_starts_nothing(fake_release: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(launcher, "ensure_environment", pytest.fail)  # must not even install
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(UsageError, match=re.escape(f"port {port} on 127.0.0.1 is already in use")) as info:
            launcher.start_reference(fake_release, port=port)
    assert info.value.exit_code is ExitCode.USAGE
    assert _no_references_left()


def test_an_unknown_release_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(launcher, "ensure_environment", pytest.fail)
    with pytest.raises(UsageError, match=re.escape("unknown reference release 'ogx==9.9'")):
        launcher.start_reference("ogx==9.9", port=0)


def test_a_server_that_dies_while_starting_reports_its_log_and_leaves_nothing_running(
    fake_release: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashing = dataclasses.replace(RELEASES[fake_release], entry_point="fake_upstream:crash")
    monkeypatch.setitem(RELEASES, fake_release, crashing)
    started: list[launcher.ManagedProcess] = []
    real_spawn = launcher.spawn

    def spying_spawn(*args: object, **kwargs: object) -> object:
        proc, record = real_spawn(*args, **kwargs)  # type: ignore[arg-type]
        started.append(record)
        return proc, record

    monkeypatch.setattr(launcher, "spawn", spying_spawn)
    with pytest.raises(HarnessError) as info:
        launcher.start_reference(fake_release, port=0)
    assert info.value.exit_code is ExitCode.HARNESS
    assert "exited with code 4 while starting" in info.value.message
    assert "cannot load the run configuration" in (info.value.detail or "")
    assert [p.name for p in started] == ["model", "ogx"]
    assert not any(p.alive() for p in started)
    assert _no_references_left()
