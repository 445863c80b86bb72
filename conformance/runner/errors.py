"""The ``errors`` suite: requests built to fail, judged by the error-contract checks.

Unknown resource ids (well-formed, so a server cannot reject them as malformed) must give 404; bodies
that are empty, of the wrong type or not JSON at all must give 400 or 422; and every error must come
back as JSON, never 2xx, never an HTML page. Probes only touch endpoints every profile has; the
agents probes run only for profiles with the Agents API. Case ids are
``errors/<probe>/<check short id>``.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from conformance.checks import ErrorProbeContext, Exchange
from conformance.checks.registry import checks_for
from conformance.core.client import TargetClient
from conformance.core.results import CaseResult
from conformance.runner.base import RunContext
from conformance.runner.cases import Scenario, case_id, check_cases
from conformance.runner.streaming import AGENTS

__all__ = ["PROBES", "ErrorsSuite", "Probe"]

_MISSING = "conformance-missing"


@dataclass(frozen=True)
class Probe:
    name: str
    method: str
    template: str
    """The operation's path template, ``{name}`` placeholders filled with unknown ids."""
    expect: Literal["not-found", "invalid-body"]
    json_body: Any = None
    raw_body: bytes | None = None
    """Sent as-is with a JSON content type (for malformed JSON)."""
    needs_agents: bool = False

    @property
    def operation(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def scenario(self) -> Scenario:
        return Scenario(self.name, self.operation, ("error", f"error-{self.expect}"), needs_agents=self.needs_agents)


def unknown_ids() -> dict[str, str]:
    """Fresh ids in each resource's usual format, so only their absence can make a request fail."""
    token = secrets.token_hex(24)
    return {
        "response_id": f"resp_{_MISSING}_{token[:24]}",
        "conversation_id": f"conv_{token}",
        "model_id": f"{_MISSING}/model-{token[:12]}",
        "file_id": f"file-{token[:24]}",
        "vector_store_id": f"vs_{uuid.uuid4()}",
        "completion_id": f"chatcmpl-{token[:24]}",
        "agent_id": str(uuid.uuid4()),
        "session_id": str(uuid.uuid4()),
    }


def _nf(name: str, method: str, template: str, *, agents: bool = False) -> Probe:
    return Probe(name, method, template, "not-found", needs_agents=agents)


def _bad(name: str, template: str, body: Any = None, raw: bytes | None = None, *, agents: bool = False) -> Probe:
    return Probe(name, "POST", template, "invalid-body", json_body=body, raw_body=raw, needs_agents=agents)


PROBES = (
    _nf("responses/get-unknown", "GET", "/v1/responses/{response_id}"),
    _nf("responses/input-items-unknown", "GET", "/v1/responses/{response_id}/input_items"),
    _nf("responses/delete-unknown", "DELETE", "/v1/responses/{response_id}"),
    _nf("conversations/get-unknown", "GET", "/v1/conversations/{conversation_id}"),
    _nf("models/get-unknown", "GET", "/v1/models/{model_id}"),
    _nf("files/get-unknown", "GET", "/v1/files/{file_id}"),
    _nf("vector-stores/get-unknown", "GET", "/v1/vector_stores/{vector_store_id}"),
    _nf("chat-completions/get-unknown", "GET", "/v1/chat/completions/{completion_id}"),
    _nf("agents/get-unknown", "GET", f"{AGENTS}/{{agent_id}}", agents=True),
    _nf("agents/session-unknown", "GET", f"{AGENTS}/{{agent_id}}/session/{{session_id}}", agents=True),
    _bad("responses/create-empty", "/v1/responses", {}),
    _bad("responses/create-wrong-type", "/v1/responses", {"model": f"{_MISSING}/model", "input": 42}),
    _bad("responses/create-malformed-json", "/v1/responses", raw=b'{"model": "x", "input": '),
    _bad("chat-completions/create-wrong-type", "/v1/chat/completions", {"model": "x", "messages": "hello"}),
    _bad("conversations/create-wrong-type", "/v1/conversations", {"items": "not-a-list"}),
    _bad("agents/create-empty", AGENTS, {}, agents=True),
)


def _send(client: TargetClient, probe: Probe, ids: dict[str, str]) -> ErrorProbeContext:
    path = probe.template.format(**ids)
    if probe.raw_body is not None:
        request = client.build(probe.method, path, content=probe.raw_body, headers={"content-type": "application/json"})
    elif probe.json_body is not None:
        request = client.build(probe.method, path, json=probe.json_body)
    else:
        request = client.build(probe.method, path)
    return ErrorProbeContext(exchange=Exchange(request=request, response=client.send(request)), expect=probe.expect)


@dataclass
class ErrorsSuite:
    """Sends each probe once and judges the answer with the ``error*`` checks."""

    probes: tuple[Probe, ...] = PROBES
    name: str = "errors"
    ids: dict[str, str] = field(default_factory=unknown_ids)

    def run(self, ctx: RunContext) -> Iterator[CaseResult]:
        for probe in self.probes:
            scenario = probe.scenario
            checks = [
                c for c in checks_for(scenario.kinds) if ctx.wants(case_id(self.name, probe.name, c), probe.operation)
            ]
            if checks:
                yield from check_cases(
                    ctx,
                    suite=self.name,
                    scenario=scenario,
                    checks=checks,
                    build=partial(_send, ctx.client, probe, self.ids),
                )
