"""Command-line contract: help everywhere, one-line errors, distinct exit codes, nothing pretends."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.cli.app import cli
from conformance.servers.reference import RELEASES
from tests.fakes.cli import conformance


def _commands() -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = [()]
    for name in cli.list_commands(None):
        command = cli.get_command(None, name)
        found.append((name,))
        for sub in getattr(command, "commands", {}):
            found.append((name, sub))
    return found


@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(p) or "conformance")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    proc = conformance(*path, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "Usage:" in proc.stdout


def test_unknown_release_exits_2_with_one_line_and_starts_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFORMANCE_STATE_DIR", str(tmp_path))  # only what this test starts is listed
    proc = conformance("reference", "start", "--server", "ogx==9.9")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: unknown reference release 'ogx==9.9' (supported: {', '.join(RELEASES)})"
    ]
    assert "no reference server is running" in conformance("reference", "status").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("run", "--base-url", "not a url"), "--base-url 'not a url'"),
        (("run", "--base-url", "ftp://127.0.0.1:1"), "must be an absolute http(s) URL"),
        (("run", "--base-url", "http://127.0.0.1:1", "--header", "no-colon"), "must look like 'Name: value'"),
    ],
)
def test_bad_input_is_a_one_line_usage_error(args: tuple[str, ...], message: str) -> None:
    proc = conformance(*args)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_an_unreachable_server_is_a_harness_error() -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = conformance("run", "--base-url", f"http://127.0.0.1:{port}", "--profile", "ogx-1.5")
    assert proc.returncode == 3, proc.stderr
    assert f"cannot connect to http://127.0.0.1:{port}" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--header", "X-Token: s3cr\u00e9t"), "error: --header X-Token: the value is not ASCII"),
        (("--api-key", "sk-1\nX-Evil: 1"), "error: --api-key: the key holds a line break or another control character"),
        (("--report-dir", "{file}/reports"), "error: --report-dir {file}/reports is not writable"),
        (("--shard", "5/4"), "error: --shard '5/4' must look like i/n with 1 <= i <= n, e.g. 2/4"),
        (("--shard", "0/3"), "error: --shard '0/3' must look like i/n"),
        (("--shard", "x"), "error: --shard 'x' must look like i/n"),
    ],
)
def test_inputs_that_cannot_work_are_exit_2_before_any_server_is_contacted(
    tmp_path: Path, extra: tuple[str, str], message: str
) -> None:
    """Port 9 refuses connections: had the command got that far, it would exit 3."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    args = [a.replace("{file}", str(blocker)) for a in extra]
    proc = conformance("check", "--base-url", "http://127.0.0.1:9", "--report-dir", str(tmp_path / "out"), *args)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith(message.replace("{file}", str(blocker)))
    assert "s3cr" not in proc.stderr
    assert "sk-1" not in proc.stderr


def test_an_unknown_option_is_exit_2_without_a_traceback() -> None:
    proc = conformance("check", "--base-url", "http://127.0.0.1:9", "--no-such-option")
    assert proc.returncode == 2
    assert "No such option '--no-such-option'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_credentials_in_the_base_url_are_refused_and_never_printed(tmp_path: Path) -> None:
    proc = conformance("check", "--base-url", "http://admin:hunter2@127.0.0.1:9", "--report-dir", str(tmp_path))
    assert proc.returncode == 2
    assert "hunter2" not in proc.stderr + proc.stdout
    assert "carries credentials" in proc.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'openapi: 3.1.0\npaths: {/x: {get: {responses: {"200": {description: ok, content: {application/json: '
            '{schema: {$ref: "#/components/schemas/Nope"}}}}}}}}\n',
            "$ref '#/components/schemas/Nope' points at nothing",
        ),
        ("openapi: [\n", ", line 2, column 1: not valid YAML (did not find expected node content)"),
        ("just: notes\n", "is not an OpenAPI document"),
    ],
)
def test_a_broken_spec_is_exit_2_before_any_server_is_contacted(tmp_path: Path, text: str, message: str) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    proc = conformance("check", "--base-url", "http://127.0.0.1:9", "--spec", str(spec), "--report-dir", str(tmp_path))
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith(f"error: spec {spec}")
    assert message in proc.stderr
