"""Every fault kind through a real SDK: the official ``openai`` Python SDK in its cached environment.

Each case runs a short script in the SDK's environment (it imports nothing of ours) against a mock
on a free port, and reports what the SDK did as one JSON line; the mock's journal says what it sent.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.clients.sdks import SDKS
from conformance.mock import JOURNAL_PATH
from conformance.servers.environments import ensure_environment
from tests.unit.mock.conftest import StartMock

pytestmark = pytest.mark.sdk

OPENAI = "openai==3.57.0"
MODEL = "deterministic/conformance-chat"
SCRIPT = f"""
import json, sys
import openai

base_url, call, max_retries, timeout, header = sys.argv[1:6]
client = openai.OpenAI(base_url=base_url + "/v1", api_key="mock", max_retries=int(max_retries), timeout=float(timeout))
extra = {{"X-Mock-Fault": header}} if header else {{}}
messages = [{{"role": "user", "content": "Say hello."}}]
out = {{}}
try:
    if call == "chat":
        reply = client.chat.completions.create(model={MODEL!r}, messages=messages, extra_headers=extra)
        out["text"] = reply.choices[0].message.content
    elif call == "stream":
        chunks = client.chat.completions.create(model={MODEL!r}, messages=messages, stream=True, extra_headers=extra)
        out["chunks"] = sum(1 for _ in chunks)
    out["raised"] = None
except Exception as exc:
    out["raised"] = type(exc).__name__
    out["is_connection_error"] = isinstance(exc, openai.APIConnectionError) or "httpx" in type(exc).__module__
try:
    out["after"] = len(client.models.list().data)
except Exception as exc:
    out["after"] = type(exc).__name__
print(json.dumps(out))
"""


def _python() -> Path:
    return ensure_environment(SDKS["openai"].env_spec(OPENAI)).python


def _run(url: str, call: str, *, max_retries: int = 0, timeout: float = 60, header: str = "") -> dict[str, Any]:
    proc = subprocess.run(
        [str(_python()), "-c", SCRIPT, url, call, str(max_retries), str(timeout), header],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _requests(url: str, path: str = "/v1/chat/completions") -> list[dict[str, Any]]:
    return [e for e in httpx.get(f"{url}{JOURNAL_PATH}").json()["requests"] if e["path"] == path]


def test_sdk_429_twice_succeeds_after_exactly_two_retries(start_mock: StartMock) -> None:
    with start_mock("status=429,retry-after=0.1,times=2") as url:
        result = _run(url, "chat", max_retries=2)
        sent = _requests(url)
    assert result["raised"] is None
    assert result["text"]
    assert [e["status"] for e in sent] == [429, 429, 200]


def test_sdk_429_three_times_raises_rate_limit_error(start_mock: StartMock) -> None:
    with start_mock("status=429,retry-after=0.1,times=3") as url:
        result = _run(url, "chat", max_retries=2)
        sent = _requests(url)
    assert result["raised"] == "RateLimitError"
    assert [e["status"] for e in sent] == [429, 429, 429]
    assert result["after"] > 0  # the fault is spent: the mock answers normally again


def test_sdk_503_raises_internal_server_error(start_mock: StartMock) -> None:
    with start_mock("status=503,path=/v1/chat/*") as url:
        result = _run(url, "chat")
    assert result["raised"] == "InternalServerError"
    assert result["after"] > 0


def test_sdk_reset_mid_stream_raises_a_connection_error_and_the_mock_answers_the_next_request(
    start_mock: StartMock,
) -> None:
    with start_mock("reset-mid-stream,path=/v1/chat/*") as url:
        result = _run(url, "stream")
    assert result["raised"] is not None, result
    assert result["is_connection_error"], result
    assert result["after"] > 0


def test_sdk_latency_longer_than_the_timeout_raises_api_timeout_error(start_mock: StartMock) -> None:
    with start_mock("latency=20s,path=/v1/chat/*") as url:
        result = _run(url, "chat", timeout=1)
    assert result["raised"] == "APITimeoutError"
    assert result["after"] > 0


def test_sdk_malformed_json_is_an_error_the_sdk_raises(start_mock: StartMock) -> None:
    with start_mock("malformed-json,times=1") as url:
        result = _run(url, "chat")
    assert result["raised"] is not None
    assert result["after"] > 0


def test_sdk_a_fault_header_on_one_request_leaves_the_others_alone(start_mock: StartMock) -> None:
    with start_mock() as url:
        faulted = _run(url, "chat", header="status=503")
        plain = _run(url, "chat")
    assert faulted["raised"] == "InternalServerError"
    assert faulted["after"] > 0
    assert plain["raised"] is None
    assert plain["text"]
