"""``run --client``: another SDK version for the clients suite, checked before anything starts."""

from __future__ import annotations

import pytest

import conformance.cli as cli_package


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("openai", "--client: 'openai' is not an exact version: write openai==VERSION"),
        ("nosuch==1.0", "--client: no flows are written for 'nosuch==1.0'"),
    ],
)
def test_a_wrong_client_is_one_usage_line_and_exit_2_before_any_request(
    value: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        # port 9 (discard): nothing listens, so a request sent would be a harness error (exit 3), not 2
        cli_package.main(["run", "--base-url", "http://127.0.0.1:9", "--suite", "clients", "--client", value])
    assert exited.value.code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: {said}")
