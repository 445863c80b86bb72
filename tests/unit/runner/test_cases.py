"""conformance/runner/cases.py: a check suite's scenario runs named steps; setup and clean-up steps."""

from __future__ import annotations

import httpx
import pytest

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import HarnessError
from conformance.runner.cases import quietly, scenario_steps, setup_json, stream_of


def _client(handler) -> TargetClient:  # type: ignore[no-untyped-def]
    return TargetClient(ClientSettings(base_url="http://127.0.0.1:9"), transport=httpx.MockTransport(handler))


def _handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/v1/down":
        return httpx.Response(503, json={"detail": "down"})
    if request.url.path == "/v1/gone":
        raise httpx.ConnectError("refused")
    return httpx.Response(200, json={"id": "x"})


def test_a_scenarios_steps_are_kept_by_name() -> None:
    steps = scenario_steps(_client(_handler), "streaming/demo", model="m")
    assert setup_json(steps, "create", "POST", "/v1/things", json={"a": 1}) == {"id": "x"}
    quietly(steps, "delete", "DELETE", "/v1/things/x")
    assert list(steps.exchanges) == ["create", "delete"]
    assert steps.exchanges["create"].step == "create"
    assert steps.models.chat == "m"


def test_a_refused_setup_step_is_a_harness_error_quoting_the_answer() -> None:
    steps = scenario_steps(_client(_handler), "streaming/demo")
    with pytest.raises(HarnessError, match=r"setup POST /v1/down answered HTTP 503: \{\"detail\":\"down\"\}"):
        setup_json(steps, "create", "POST", "/v1/down")


def test_a_failed_clean_up_step_is_quiet() -> None:
    steps = scenario_steps(_client(_handler), "streaming/demo")
    assert quietly(steps, "delete", "DELETE", "/v1/gone") is None
    assert "delete" not in steps.exchanges


def test_stream_of_a_plain_step_is_an_empty_stream_with_its_content_type() -> None:
    sent = scenario_steps(_client(_handler), "smoke/demo").call("get", "GET", "/v1/things")
    assert stream_of(sent).events == []
    assert stream_of(sent).content_type == "application/json"
