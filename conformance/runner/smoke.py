"""The smoke suite: the handful of calls every client makes first, each judged against the spec.

health, version, models, one chat completion (plain and streaming) and one response create. Plain
answers are judged by the ``json-response`` checks (status, content type, body schema from the
profile's spec); the streamed chat completion by the ``sse`` and ``chat-stream`` checks with the
spec's chunk schema. Each call is a one-step scenario (``smoke/<call>``) run like every other;
cases are ``smoke/<call>/<check>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from conformance.checks import checks_for
from conformance.checks.context import ChatStreamContext, JsonResponseContext, PayloadValidator
from conformance.core.results import CaseResult
from conformance.runner.base import RunContext
from conformance.runner.cases import JudgedScenario, case_id, check_cases, scenario_steps, stream_of
from conformance.runner.model_choice import pick_model
from conformance.runner.spec_validators import body_validator, event_validator

__all__ = ["CALLS", "SmokeSuite"]

SUITE = "smoke"
PROMPT = "Say hello to the conformance suite."


@dataclass(frozen=True, slots=True)
class SmokeCall:
    name: str
    method: str
    path: str
    body: Callable[[str], dict[str, Any]] | None = None
    """Builds the request body from the model id; ``None`` for bodiless requests."""
    stream: bool = False

    @property
    def operation(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def judged(self) -> JudgedScenario:
        """The call's one-step scenario with the check kinds that judge its answer."""
        kinds = ("sse", "chat-stream", "chat-stream-usage") if self.stream else ("json-response",)
        return JudgedScenario(self.name, self.operation, kinds)


def _chat(model: str, *, stream: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": PROMPT}]}
    if stream:
        body |= {"stream": True, "stream_options": {"include_usage": True}}
    return body


CALLS = (
    SmokeCall("health", "GET", "/v1/health"),
    SmokeCall("version", "GET", "/v1/version"),
    SmokeCall("models", "GET", "/v1/models"),
    SmokeCall("chat-completions/create", "POST", "/v1/chat/completions", _chat),
    SmokeCall("chat-completions/stream", "POST", "/v1/chat/completions", partial(_chat, stream=True), stream=True),
    SmokeCall("responses/create", "POST", "/v1/responses", lambda model: {"model": model, "input": PROMPT}),
)


ValidatorLookup = Callable[[str, str, str], PayloadValidator | None]
"""``(profile id, method, templated path) -> validator`` (``None`` when the spec documents nothing)."""


@dataclass(frozen=True)
class SmokeSuite:
    """Implements :class:`conformance.runner.base.Suite`; validators come from the profile's spec."""

    body_validator: ValidatorLookup = body_validator
    event_validator: ValidatorLookup = event_validator
    name: str = SUITE

    def run(self, ctx: RunContext) -> Iterator[CaseResult]:
        model = cache(partial(pick_model, ctx.client))  # asked once, and only when a call needs it
        mine = ctx.in_shard(CALLS, lambda call: call.name)  # --shard: by call
        wanted = {
            c.name: [k for k in checks_for(c.judged.kinds) if ctx.wants(case_id(SUITE, c.name, k), c.operation)]
            for c in mine
        }
        planned = [call for call in mine if wanted[call.name]]
        for done, call in enumerate(planned):
            ctx.units(done, len(planned))
            build = partial(self._build, ctx, call, model)
            yield from check_cases(ctx, suite=SUITE, scenario=call.judged, checks=wanted[call.name], build=build)
        ctx.units(len(planned), len(planned))

    def _build(
        self, ctx: RunContext, call: SmokeCall, model: Callable[[], str]
    ) -> JsonResponseContext | ChatStreamContext:
        chat = model() if call.body else ""  # a bodiless call needs no model (and does not ask for one)
        steps = scenario_steps(ctx.client, f"{SUITE}/{call.name}", model=chat)
        body = call.body(chat) if call.body else None
        sent = steps.call(call.name, call.method, call.path, json=body, stream=call.stream)
        profile = ctx.profile.id
        if call.stream:
            validator = self.event_validator(profile, call.method, call.path)
            return ChatStreamContext(exchange=sent, stream=stream_of(sent), validator=validator, include_usage=True)
        return JsonResponseContext(exchange=sent, validator=self.body_validator(profile, call.method, call.path))
