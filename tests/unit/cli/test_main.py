"""The entry point turns a bug of ours into exit 3 and one line, never a verdict or a bare traceback."""

from __future__ import annotations

from typing import Any

import pytest

import conformance.cli as cli_package


def _boom(*_args: Any, **_kwargs: Any) -> None:
    raise RuntimeError("boom\nsecond line")


def test_an_unexpected_exception_is_exit_3_and_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_package.cli, "main", _boom)
    with pytest.raises(SystemExit) as exited:
        cli_package.main(["check", "--base-url", "http://127.0.0.1:9"])
    assert exited.value.code == 3
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "error: internal error in the conformance suite, not a finding about the server: RuntimeError: boom "
        "(run with -v for the traceback)"
    ]


def test_with_verbose_the_traceback_is_printed_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_package.cli, "main", _boom)
    with pytest.raises(SystemExit) as exited:
        cli_package.main(["check", "-v"])
    assert exited.value.code == 3
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().endswith("RuntimeError: boom")
