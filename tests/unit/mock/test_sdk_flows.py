"""The official SDKs' flows against the mock, with no upstream server and no model running: the clients
suite itself (the same flows that judge servers) pointed at a mock of the llama-stack-0.3 recordings.

The flows named by issue 11 pass against the mock as they pass against the real 0.3.0 reference (pinned
by tests/integration/test_clients_*references.py): agent, session and streaming turn through the Node
``llama-stack-client@0.3.0`` README flow and the Python ``llama-stack-client`` 0.3.0; response create,
stream and retrieve and chat through ``openai`` and ``llama-stack-client``. Flows that check their own
input comes back (an uploaded file's name, a parse schema) are out: the mock generates no content.
"""

from __future__ import annotations

import pytest

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import get_profile
from conformance.core.results import Status, Target
from conformance.runner.base import RunContext, RunOptions
from conformance.runner.clients import ClientsSuite
from tests.unit.mock.conftest import PROFILE, StartMock

pytestmark = pytest.mark.sdk

FLOWS = {
    "openai": ("chat.create", "chat.stream", "responses.create", "responses.stream", "responses.retrieve"),
    "llama-stack-client": (
        "chat.create",
        "responses.create",
        "responses.stream",
        "responses.retrieve",
        "agents.create",
        "agents.session-create",
        "agents.turn-stream",
    ),
    "llama-stack-client-node": ("agents.create", "agents.session-create", "agents.turn-stream"),
}
CLIENTS = ("openai==3.57.0", "llama-stack-client==0.3.0", "npm:llama-stack-client@0.3.0")


def test_the_sdks_flows_pass_against_the_mock_as_against_the_reference(start_mock: StartMock) -> None:
    profile = get_profile(PROFILE)
    include = tuple(f"clients/{sdk}/{flow}" for sdk, flows in FLOWS.items() for flow in flows)
    with start_mock() as url, TargetClient(ClientSettings(base_url=url)) as client:
        ctx = RunContext(
            client=client,
            profile=profile,
            target=Target(base_url=url, profile=profile.id),
            options=RunOptions(include=include),
        )
        cases = list(ClientsSuite(CLIENTS).run(ctx))
    assert sorted(c.id for c in cases) == sorted(include)
    not_passing = {c.id: (c.status, c.error or c.reason, [f.message for f in c.findings]) for c in cases
                   if c.status is not Status.PASS}  # fmt: skip
    if any(c.status is Status.SKIP and "node" in (c.reason or "") for c in cases):
        pytest.skip("Node.js is not installed here: the Node SDK's flows were skipped")
    assert not_passing == {}
