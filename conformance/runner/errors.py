"""The ``errors`` suite: requests built to fail, judged by the error-contract checks.

Unknown resource ids (well-formed, so a server cannot reject them as malformed) must give 404; bodies
that are empty, of the wrong type or not JSON at all must give 400 or 422; streaming requests for an
unknown model or session must be refused before a stream starts; and every error must come back as
JSON, never 2xx, never an HTML page. After each probe a cheap ``GET /v1/health`` on the same pooled
connection shows whether the server dropped the connection after its error answer. A last case judges
all answers together (one status for invalid bodies, one error envelope).

Each probe is a scenario of its own (``errors/<probe>``): the ``probe`` step, then the ``follow-up``
step when the connection rule is wanted. Probes only touch endpoints every profile has; the agents
probes run only for profiles with the Agents API, against an agent (and session) the suite creates
and deletes. Case ids are ``errors/<probe>/<check short id>`` and ``errors/all-probes/<check short id>``.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Literal

from conformance.checks import ConnectionAfterError, ErrorProbeContext, ErrorSummaryContext
from conformance.checks.error_consistency import summary_observations
from conformance.checks.registry import Check, checks_for, get_check
from conformance.core.client import TargetClient, local_address
from conformance.core.errors import ConformanceError, HarnessError
from conformance.core.http_exchange import Exchange
from conformance.core.results import CaseResult
from conformance.core.sse import SSELimits
from conformance.runner.base import RunContext, disabled_case
from conformance.runner.cases import (
    JudgedScenario,
    case_id,
    check_cases,
    disabled_reason,
    quietly,
    scenario_steps,
    setup_json,
)
from conformance.runner.streaming import AGENTS, pick_model
from conformance.scenarios import ScenarioContext

__all__ = ["FOLLOW_UP", "PROBES", "SUMMARY", "ErrorsSuite", "Probe", "unknown_ids"]

_MISSING = "conformance-missing"
FOLLOW_UP = "/v1/health"
"""The cheap request sent after each error answer to see whether its connection is still usable."""
FALLBACK_FOLLOW_UP = "/v1/models"
"""The follow-up when ``--api`` leaves out ``inspect`` (health): every server lists its models."""
SUMMARY = JudgedScenario("all-probes", "all error probes", ("error-summary",), calls=())
"""The case that judges every answered probe's exchanges together; its findings' operation is this label.
With ``--api`` it judges the probes of the selected APIs (``disabled`` when there are none)."""
_STREAM_LIMITS = SSELimits(max_events=200, max_bytes=256 * 1024, max_seconds=30.0)
"""An error event comes first; a server that streams a whole answer instead is read only this far."""
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

Expect = Literal["not-found", "invalid-body", "invalid-stream"]


@dataclass(frozen=True)
class Probe:
    name: str
    method: str
    template: str
    """The operation's path template, ``{name}`` placeholders filled with unknown ids."""
    expect: Expect
    json_body: Any = None
    """Strings in it may name placeholders too (``"{model_id}"``)."""
    raw_body: bytes | None = None
    """Sent as-is with a JSON content type (for malformed JSON)."""
    needs_agents: bool = False
    live: tuple[str, ...] = ()
    """Placeholders filled with the ids of an agent and session the suite creates (the rest stay unknown)."""
    subject: str = ""
    """What makes it fail, for messages (``an unknown model '{model_id}'``); derived when empty."""
    path_ids: tuple[tuple[str, str], ...] = ()
    """``(placeholder, id name)``: template placeholders filled with another id than their own (a live one)."""

    def path(self, ids: dict[str, str]) -> str:
        return self.template.format(**{**ids, **{k: ids[v] for k, v in self.path_ids}})

    @property
    def operation(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def judged(self) -> JudgedScenario:
        """The probe's scenario with the check kinds that judge its answer."""
        return JudgedScenario(
            self.name, self.operation, ("error", f"error-{self.expect}"), needs_agents=self.needs_agents
        )

    @property
    def streams(self) -> bool:
        return isinstance(self.json_body, dict) and self.json_body.get("stream") is True

    def describe(self, ids: dict[str, str]) -> str:
        if self.subject:
            return self.subject.format(**ids)
        if self.expect != "not-found":
            return "an invalid body"
        last = _PLACEHOLDER.findall(self.template)[-1]
        return f"an unknown {last.removesuffix('_id').replace('_', ' ')} id {ids[last]!r}"


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
        "turn_id": str(uuid.uuid4()),
    }


def _nf(name: str, method: str, template: str, *, agents: bool = False, live: tuple[str, ...] = ()) -> Probe:
    return Probe(name, method, template, "not-found", needs_agents=agents, live=live)


def _bad(name: str, template: str, body: Any = None, raw: bytes | None = None, *, agents: bool = False) -> Probe:
    return Probe(name, "POST", template, "invalid-body", json_body=body, raw_body=raw, needs_agents=agents)


def _stream(name: str, template: str, body: dict[str, Any], subject: str, **kwargs: Any) -> Probe:
    return Probe(
        name, "POST", template, "invalid-stream", json_body={**body, "stream": True}, subject=subject, **kwargs
    )


_HELLO = [{"role": "user", "content": "Say hello."}]
_TURN = f"{AGENTS}/{{agent_id}}/session/{{session_id}}/turn"

PROBES = (
    _nf("responses/get-unknown", "GET", "/v1/responses/{response_id}"),
    _nf("responses/input-items-unknown", "GET", "/v1/responses/{response_id}/input_items"),
    _nf("responses/delete-unknown", "DELETE", "/v1/responses/{response_id}"),
    Probe(
        "responses/get-not-stored",
        "GET",
        "/v1/responses/{response_id}",
        "not-found",
        live=("stored_false_response_id",),
        path_ids=(("response_id", "stored_false_response_id"),),
        subject="a response created with store: false ({stored_false_response_id})",
    ),
    _nf("conversations/get-unknown", "GET", "/v1/conversations/{conversation_id}"),
    _nf("models/get-unknown", "GET", "/v1/models/{model_id}"),
    _nf("files/get-unknown", "GET", "/v1/files/{file_id}"),
    _nf("vector-stores/get-unknown", "GET", "/v1/vector_stores/{vector_store_id}"),
    _nf("chat-completions/get-unknown", "GET", "/v1/chat/completions/{completion_id}"),
    _nf("agents/get-unknown", "GET", f"{AGENTS}/{{agent_id}}", agents=True),
    _nf("agents/session-unknown", "GET", f"{AGENTS}/{{agent_id}}/session/{{session_id}}", agents=True),
    _nf("agents/turn-unknown", "GET", f"{_TURN}/{{turn_id}}", agents=True, live=("agent_id", "session_id")),
    _bad("responses/create-empty", "/v1/responses", {}),
    _bad("responses/create-wrong-type", "/v1/responses", {"model": f"{_MISSING}/model", "input": 42}),
    _bad("responses/create-malformed-json", "/v1/responses", raw=b'{"model": "x", "input": '),
    _bad(
        "responses/compact-missing-model",
        "/v1/responses/compact",
        {"input": [{"type": "message", "role": "user", "content": "Compact this conversation."}]},
    ),
    _bad("chat-completions/create-wrong-type", "/v1/chat/completions", {"model": "x", "messages": "hello"}),
    _bad("conversations/create-wrong-type", "/v1/conversations", {"items": "not-a-list"}),
    _bad("agents/create-empty", AGENTS, {}, agents=True),
    _stream(
        "responses/stream-unknown-model",
        "/v1/responses",
        {"model": "{model_id}", "input": "Say hello."},
        "an unknown model '{model_id}'",
    ),
    _stream(
        "chat-completions/stream-unknown-model",
        "/v1/chat/completions",
        {"model": "{model_id}", "messages": _HELLO},
        "an unknown model '{model_id}'",
    ),
    _stream(
        "agents/turn-stream-unknown-session",
        _TURN,
        {"messages": _HELLO},
        "an unknown session '{session_id}'",
        needs_agents=True,
        live=("agent_id",),
    ),
)


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str) and "{" in value:
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


class _LiveObjects:
    """Objects some probes need, created on first use; a setup that failed once fails every probe that
    needs it (with the same error), and nothing is created twice."""

    provides: tuple[str, ...] = ()

    def __init__(self, client: TargetClient) -> None:
        self._client = client
        self._ids: dict[str, str] | None = None
        self._failure: ConformanceError | None = None

    def ids(self) -> dict[str, str]:
        """The ids this provides (:attr:`provides`), by name."""
        if self._failure is not None:
            raise self._failure
        if self._ids is None:
            try:
                self._ids = self._create()
            except ConformanceError as exc:
                self._failure = exc
                raise
        return self._ids

    def _create(self) -> dict[str, str]:
        raise NotImplementedError

    def close(self) -> None:
        """Remove what was created (nothing, unless a subclass keeps something)."""


class _LiveResponse(_LiveObjects):
    """A response created with ``store: false`` on first use: the server answered it and must not have
    kept it, so reading it back is a not-found probe (a lifecycle rule the compliance tests do not check)."""

    provides = ("stored_false_response_id",)

    def _create(self) -> dict[str, str]:
        steps = scenario_steps(self._client, "errors/live-response", model=pick_model(self._client))
        body = {"model": steps.models.chat, "input": "Do not keep this response.", "store": False}
        created = setup_json(steps, "create-not-stored", "POST", "/v1/responses", json=body)
        return {"stored_false_response_id": str(created.get("id"))}


class _LiveAgent(_LiveObjects):
    """An agent and a session created on first use, for probes that need real parents of an unknown id."""

    provides = ("agent_id", "session_id")

    def __init__(self, client: TargetClient) -> None:
        super().__init__(client)
        self._steps: ScenarioContext | None = None
        self._agent_id: str | None = None

    def _create(self) -> dict[str, str]:
        steps = self._steps = scenario_steps(self._client, "errors/live-agent", model=pick_model(self._client))
        config = {"model": steps.models.chat, "instructions": "You are a helpful assistant."}
        self._agent_id = str(
            setup_json(steps, "create-agent", "POST", AGENTS, json={"agent_config": config}).get("agent_id")
        )
        path = f"{AGENTS}/{self._agent_id}/session"
        session = setup_json(steps, "create-session", "POST", path, json={"session_name": "conformance-errors"})
        return {"agent_id": self._agent_id, "session_id": str(session.get("session_id"))}

    def close(self) -> None:
        if self._steps is not None and self._agent_id is not None:
            quietly(self._steps, "delete-agent", "DELETE", f"{AGENTS}/{self._agent_id}")  # clean-up only


def _follow_up(steps: ScenarioContext, probe: Exchange, path: str = FOLLOW_UP) -> ConnectionAfterError:
    """Send ``GET path`` right after the ``probe`` step and see what became of its connection."""
    client = steps.client
    before = local_address(probe.response) if probe.response is not None else None
    resets = len(client.resets)
    follow_up = steps.call("follow-up", "GET", path)
    after = local_address(follow_up.response) if follow_up.response is not None else None
    reset = client.resets[resets].error if len(client.resets) > resets else None
    reused = None if before is None or after is None else before == after
    return ConnectionAfterError(follow_up=follow_up, reset=reset, reused=reused)


def _send(client: TargetClient, probe: Probe, ids: dict[str, str], *, follow_up: str | None) -> ErrorProbeContext:
    """Run the probe's scenario: the probe step, then the follow-up step after an error answer."""
    steps = scenario_steps(client, f"errors/{probe.name}", limits=_STREAM_LIMITS)
    raw = probe.raw_body is not None
    sent = steps.call(
        "probe",
        probe.method,
        probe.path(ids),
        json=None if raw else _fill(probe.json_body, ids),
        content=probe.raw_body,
        headers={"content-type": "application/json"} if raw else None,
        stream=probe.streams,
    )
    status = sent.status
    connection = _follow_up(steps, sent, follow_up) if follow_up and status is not None and status >= 400 else None
    return ErrorProbeContext(
        exchange=sent, expect=probe.expect, subject=probe.describe(ids), stream=sent.stream, connection=connection
    )


@dataclass
class ErrorsSuite:
    """Sends each probe once and judges the answer with the ``error*`` checks, then all answers together."""

    probes: tuple[Probe, ...] = PROBES
    name: str = "errors"
    ids: dict[str, str] = field(default_factory=unknown_ids)

    def _wanted(self, ctx: RunContext, scenario: JudgedScenario) -> list[Check]:
        return [
            c for c in checks_for(scenario.kinds) if ctx.wants(case_id(self.name, scenario.name, c), scenario.operation)
        ]

    def run(self, ctx: RunContext) -> Iterator[CaseResult]:
        # --shard: by probe, and the summary is a unit of its own; its shard sends every probe (quietly,
        # as for a probe whose own checks are not wanted), so it judges what an unsharded run judges.
        mine = set(ctx.in_shard([*(probe.name for probe in self.probes), SUMMARY.name], str))
        summary_checks = self._wanted(ctx, SUMMARY) if SUMMARY.name in mine else []
        follow_up = get_check("error-connection-kept-alive")
        # The follow-up only shows what became of the connection; with ``--api`` leaving out health
        # it goes to the model list, which is always selected.
        follow_up_path = FOLLOW_UP if ctx.unselected(f"GET {FOLLOW_UP}") is None else FALLBACK_FOLLOW_UP
        runnable = [probe for probe in self.probes if disabled_reason(ctx, probe.judged) is None]
        live = _LiveAgent(ctx.client)
        live_response = _LiveResponse(ctx.client)
        answered: list[tuple[str, str, ErrorProbeContext]] = []
        failures: list[str] = []
        units = len(self.probes) + (1 if summary_checks else 0)
        try:
            for done, probe in enumerate(self.probes):
                ctx.units(done, units)
                checks = self._wanted(ctx, probe.judged) if probe.name in mine else []

                def build(probe: Probe = probe, checks: list[Check] = checks) -> ErrorProbeContext:
                    ids = dict(self.ids)
                    try:
                        for source in (live, live_response):
                            if probe.live and set(probe.live) & set(source.provides):
                                ids.update((k, v) for k, v in source.ids().items() if k in probe.live)
                        path = follow_up_path if follow_up in checks else None
                        built = _send(ctx.client, probe, ids, follow_up=path)
                    except ConformanceError as exc:
                        failures.append(exc.message)
                        raise
                    answered.append((probe.name, probe.operation, built))
                    return built

                if checks:
                    yield from check_cases(ctx, suite=self.name, scenario=probe.judged, checks=checks, build=build)
                elif summary_checks and probe in runnable:
                    with suppress(ConformanceError):  # the summary judges the probes that were answered
                        build()
            if summary_checks and not runnable:
                reason = ctx.unselected(*(p.operation for p in self.probes)) or "no error probe applies"
                for check in summary_checks:
                    yield disabled_case(
                        case_id(self.name, SUMMARY.name, check),
                        suite=self.name,
                        operation=SUMMARY.operation,
                        reason=reason,
                        check_id=check.id,
                    )
            elif summary_checks:
                ctx.units(len(self.probes), units)
                yield from self._summary(ctx, summary_checks, answered, failures)
            ctx.units(units, units)
        finally:
            live.close()
            live_response.close()

    def _summary(
        self,
        ctx: RunContext,
        checks: list[Check],
        answered: list[tuple[str, str, ErrorProbeContext]],
        failures: list[str],
    ) -> Iterator[CaseResult]:
        """The cases judging every answered probe together, each with what it observed (``error_summary``)."""
        summary = ErrorSummaryContext(probes=tuple(answered))

        def build() -> ErrorSummaryContext:
            if not answered and failures:
                raise HarnessError(f"no error probe was answered: {failures[0]}")
            return summary

        observed = summary_observations(summary)
        for case in check_cases(ctx, suite=self.name, scenario=SUMMARY, checks=checks, build=build):
            yield case.model_copy(update={"error_summary": observed.get(case.check_id or "")})
