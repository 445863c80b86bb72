"""Running checks against a context and turning what they yield into findings.

Checks yield bare messages; this module adds what every finding needs (check id, its
severity, the operation, a curl reproduction and redacted evidence), so checks stay small and no
check can forget to redact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from conformance.checks.registry import Check, NotApplicable, Violation, checks_for
from conformance.core.exchange import evidence, reproduction
from conformance.core.http_exchange import Exchange
from conformance.core.redact import Redactor
from conformance.core.results import Finding

__all__ = ["MAX_FINDINGS_PER_CHECK", "CheckContext", "Outcome", "evaluate", "evaluate_all"]

MAX_FINDINGS_PER_CHECK = 5
"""One broken rule seen many times in one exchange is one problem; more findings would only be noise."""


class CheckContext(Protocol):
    @property
    def exchange(self) -> Exchange: ...

    @property
    def kinds(self) -> tuple[str, ...]: ...

    def precondition(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one check concluded: findings, a skip reason, or an error when the check itself broke."""

    check: Check
    findings: tuple[Finding, ...] = ()
    skipped: str | None = None
    error: str | None = None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def evaluate(check: Check, ctx: CheckContext, *, operation: str, redactor: Redactor) -> Outcome:
    """Run ``check`` on ``ctx``; a crash inside a check is a harness error, never a finding."""
    if check.guarded and (reason := ctx.precondition()) is not None:
        return Outcome(check, skipped=reason)
    try:
        raw = list(check.func(ctx))
    except NotApplicable as exc:
        return Outcome(check, skipped=exc.reason)
    except Exception as exc:
        return Outcome(check, error=f"check {check.id} crashed: {type(exc).__name__}: {exc}")
    severity = check.severity
    findings = []
    for item in raw[:MAX_FINDINGS_PER_CHECK]:
        violation = item if isinstance(item, Violation) else Violation(item)
        exchange = violation.exchange or ctx.exchange
        findings.append(
            Finding(
                check_id=check.id,
                severity=severity,
                operation=operation,
                message=_one_line(redactor.text(violation.message)),
                reproduction=reproduction(exchange, redactor),
                evidence=evidence(exchange.request, exchange.response, redactor, exchange.text),
            )
        )
    if len(raw) > MAX_FINDINGS_PER_CHECK:
        last = findings[-1]
        more = len(raw) - MAX_FINDINGS_PER_CHECK
        findings[-1] = last.model_copy(update={"message": f"{last.message} (and {more} more like this)"})
    return Outcome(check, findings=tuple(findings))


def evaluate_all(ctx: CheckContext, *, operation: str, redactor: Redactor) -> list[Outcome]:
    """Every registered check whose kind applies to ``ctx``, in registry order."""
    return [evaluate(c, ctx, operation=operation, redactor=redactor) for c in checks_for(ctx.kinds)]
