"""The check-based suites' scenarios and their cases: one case per (scenario, check).

A check suite's scenario (a streamed response, an error probe, a smoke call) is a scenario like the
recorded ones: its requests run as named steps of a :class:`~conformance.scenarios.ScenarioContext`
(:func:`scenario_steps`), each through the client's one path, and the check context is built from
the named exchanges they produce. :class:`JudgedScenario` pairs a scenario's name with the check
kinds that judge it; its context is built once and every check of those kinds judges it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from conformance.checks.evaluate import CheckContext, evaluate
from conformance.checks.registry import Check
from conformance.core.client import TargetClient
from conformance.core.errors import ConformanceError, HarnessError
from conformance.core.http_exchange import Exchange
from conformance.core.results import CaseResult, Severity
from conformance.core.sse import SSELimits, SSEStream
from conformance.runner.base import CaseRecorder, RunContext, disabled_case
from conformance.runner.blocked import BlockedError
from conformance.scenarios import Models, ScenarioContext

__all__ = [
    "JudgedScenario",
    "case_id",
    "check_cases",
    "disabled_reason",
    "quietly",
    "scenario_steps",
    "setup_json",
    "stream_of",
]


@dataclass(frozen=True)
class JudgedScenario:
    """A check suite's scenario, by name (the middle of its case ids), paired with the check kinds that
    judge its exchanges."""

    name: str
    operation: str
    kinds: tuple[str, ...]
    """The check kinds its context will carry (known up front, so unwanted work is never sent)."""
    needs_agents: bool = False
    calls: tuple[str, ...] | None = None
    """The operations it sends, for ``--api`` (default: ``operation``; none for a scenario that judges
    answers other scenarios got)."""
    needs: tuple[str, ...] = ()
    """Request fields or values its request sends that the profile's spec must have
    (``conformance.spec.features``: ``"POST /v1/chat/completions {tools}"``)."""

    @property
    def operations(self) -> tuple[str, ...]:
        return (self.operation,) if self.calls is None else self.calls


def scenario_steps(
    client: TargetClient, scenario_id: str, *, model: str = "", limits: SSELimits | None = None
) -> ScenarioContext:
    """The context a check suite's scenario runs its named steps in (no recording hook).

    ``model`` is the chat model its steps use (``ctx.models.chat``); empty for a scenario that needs none.
    """
    return ScenarioContext(client, Models(chat=model), scenario_id=scenario_id, limits=limits)


def setup_json(steps: ScenarioContext, step: str, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    """A setup step that must succeed with a JSON object; anything else is a harness error."""
    exchange = steps.call(step, method, path, **kwargs)
    body = exchange.json_or_none()
    if exchange.status is None or exchange.status >= 300 or not isinstance(body, dict):
        raise HarnessError(f"setup {method} {path} answered HTTP {exchange.status}: {exchange.text[:200]}")
    return body


def quietly(steps: ScenarioContext, step: str, method: str, path: str) -> Exchange | None:
    """A follow-up or clean-up step whose failure must not hide the scenario's results."""
    try:
        return steps.call(step, method, path)
    except ConformanceError:
        return None


def stream_of(exchange: Exchange) -> SSEStream:
    """What was read from a step sent as a stream (an empty stream when nothing was)."""
    return exchange.stream if exchange.stream is not None else SSEStream(content_type=exchange.content_type)


def case_id(suite: str, scenario: str, check: Check) -> str:
    return f"{suite}/{scenario}/{check.short_id}"


def disabled_reason(ctx: RunContext, scenario: JudgedScenario) -> str | None:
    """Why the scenario is not run at all: the profile has no Agents API, ``--api`` leaves out an
    API it calls, or the profile's spec does not have an operation it calls or a field it sends.
    ``None`` when it runs."""
    if scenario.needs_agents and not ctx.profile.has_agents:
        return f"profile {ctx.profile.id} has no Agents API"
    return (
        ctx.unselected(*scenario.operations)
        or ctx.not_in_spec(*scenario.operations)
        or ctx.lacks_in_spec(*scenario.needs)
    )


def check_cases(
    ctx: RunContext,
    *,
    suite: str,
    scenario: JudgedScenario,
    checks: Iterable[Check],
    build: Callable[[], CheckContext],
) -> Iterator[CaseResult]:
    """Build the scenario's context once and turn each check's outcome into a case.

    A scenario the profile cannot run (the Agents API on a profile without it) or that calls an API
    ``--api`` leaves out gives ``disabled`` cases without sending anything.

    A harness error while building (server gone, setup request refused) makes every case of the
    scenario an ``error``: none of its rules could be judged. A :class:`BlockedError` (the server broke
    what the scenario needs, e.g. no model list) makes them ``skip`` with the reason, and the run
    reports the finding that blocked them.
    """
    wanted = list(checks)
    fail_on: Severity = ctx.options.fail_on
    disabled = disabled_reason(ctx, scenario)
    if disabled is not None:
        for check in wanted:
            yield disabled_case(
                case_id(suite, scenario.name, check),
                suite=suite,
                operation=scenario.operation,
                reason=disabled,
                check_id=check.id,
            )
        return
    ctx.working_on(f"{suite}/{scenario.name}")
    started = time.perf_counter()
    try:
        check_ctx = build()
    except BlockedError as exc:
        reason = ctx.note_blocked(exc)
        for check in wanted:
            recorder = CaseRecorder(case_id(suite, scenario.name, check), suite=suite, operation=scenario.operation)
            recorder.check_id = check.id
            recorder.skip(reason)
            yield recorder.result(fail_on)
        return
    except ConformanceError as exc:
        for check in wanted:
            recorder = CaseRecorder(case_id(suite, scenario.name, check), suite=suite, operation=scenario.operation)
            recorder.check_id = check.id
            recorder.error = exc.message
            yield _with_share(recorder.result(fail_on), started, len(wanted))
        return
    built = time.perf_counter()
    # The scenario's requests are sent once for all its checks: each case carries its share of that time.
    for check in wanted:
        recorder = CaseRecorder(
            case_id(suite, scenario.name, check), suite=suite, operation=scenario.operation, ctx=ctx
        )
        with recorder as case:
            outcome = evaluate(check, check_ctx, operation=scenario.operation, redactor=ctx.client.redactor)
            case.check_id = check.id
            for finding in outcome.findings:
                case.add(finding)
            if outcome.skipped is not None:
                case.skip(outcome.skipped)
            case.error = outcome.error
        yield _with_share(case.result(fail_on), started, len(wanted), built)


def _with_share(case: CaseResult, started: float, count: int, ended: float | None = None) -> CaseResult:
    """``case`` with its share of the time spent building the scenario (``started`` to ``ended``, or now)."""
    share = ((ended if ended is not None else time.perf_counter()) - started) / count
    return case.model_copy(update={"duration_s": round(case.duration_s + share, 4)})
