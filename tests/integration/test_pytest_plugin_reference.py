"""The plugin's ``conformance_reference`` fixture in a user's test: a real OGX started for the session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]


def test_a_users_test_gets_an_embedded_reference_that_is_stopped_after_the_session(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    pytester.makepyfile(
        test_user="""
        from conformance.core.client import ClientSettings, TargetClient
        from conformance.core.results import Severity
        from conformance.pytest_plugin import assert_stream_conforms
        from conformance.runner.model_choice import pick_model

        def test_the_reference_streams_a_response(conformance_reference, tmp_path_factory):
            base = conformance_reference.base_url
            (tmp_path_factory.getbasetemp() / "base_url").write_text(base)
            with TargetClient(ClientSettings(base_url=base)) as client:
                body = {"model": pick_model(client), "input": "Say hello.", "stream": True}
                exchange = client.exchange(client.build("POST", "/v1/responses", json=body), stream=True)
            # OGX 1.5.0 never sends response.output_text.done (a known SHOULD finding): only MUSTs fail here.
            findings = assert_stream_conforms(exchange, kind="responses", fail_on=Severity.MUST)
            assert {f.check_id for f in findings} <= {"responses-stream-text-done"}
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=900)
    result.assert_outcomes(passed=1)
    base_url = (pytester.path / "runpytest-0" / "base_url").read_text()
    import httpx

    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/v1/health", timeout=5)
