"""Turning check outcomes into cases: one case per (scenario, check), shared by the check-based suites.

A *scenario* is one situation a suite sets up (a streamed response, an error probe, a smoke call);
its context is built once and every check of its kinds judges it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from conformance.checks.evaluate import CheckContext, evaluate
from conformance.checks.registry import Check
from conformance.core.errors import ConformanceError
from conformance.core.results import CaseResult, Severity
from conformance.runner.base import CaseRecorder, RunContext, disabled_case
from conformance.runner.blocked import BlockedError

__all__ = ["Scenario", "case_id", "check_cases", "disabled_reason"]


@dataclass(frozen=True)
class Scenario:
    name: str
    operation: str
    kinds: tuple[str, ...]
    """The check kinds its context will carry (known up front, so unwanted work is never sent)."""
    needs_agents: bool = False
    calls: tuple[str, ...] | None = None
    """The operations it sends, for ``--api`` (default: ``operation``; none for a scenario that judges
    answers other scenarios got)."""

    @property
    def operations(self) -> tuple[str, ...]:
        return (self.operation,) if self.calls is None else self.calls


def case_id(suite: str, scenario: str, check: Check) -> str:
    return f"{suite}/{scenario}/{check.short_id}"


def disabled_reason(ctx: RunContext, scenario: Scenario) -> str | None:
    """Why the scenario is not run at all: the profile has no Agents API, or ``--api`` leaves out an
    API it calls. ``None`` when it runs."""
    if scenario.needs_agents and not ctx.profile.has_agents:
        return f"profile {ctx.profile.id} has no Agents API"
    return ctx.unselected(*scenario.operations) or ctx.not_in_spec(*scenario.operations)


def check_cases(
    ctx: RunContext,
    *,
    suite: str,
    scenario: Scenario,
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
            yield recorder.result(fail_on)
        return
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
        yield case.result(fail_on)
