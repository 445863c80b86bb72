"""Rules about a server's errors taken together: one status for invalid bodies, one error envelope.

Each probe of the errors suite may be fine on its own while the server as a whole is not: 400 for
one invalid body and 422 for another, OpenAI's ``{"error": {...}}`` on some operations and FastAPI's
``{"detail": ...}`` on others. These checks read every answered probe at once
(:class:`ErrorSummaryContext`); the suite puts what they observed (which statuses, which envelopes)
on the case (``error_summary``), so a report shows it even when the server is consistent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from conformance.checks.context import ErrorProbeContext, ErrorSummaryContext
from conformance.checks.registry import NotApplicable, Violation, check
from conformance.core.results import ErrorSummaryObservation, Severity

__all__ = [
    "envelope_consistent",
    "envelope_of",
    "error_envelopes",
    "invalid_body_status_consistent",
    "invalid_body_statuses",
    "summary_observations",
]

_Probe = tuple[str, str, ErrorProbeContext]
_SHOWN = 2
"""Operations named per group in a message; the rest are counted."""


def invalid_body_statuses(ctx: ErrorSummaryContext) -> dict[int, list[_Probe]]:
    """Invalid-body probes answered 400 or 422, by status (other statuses are ``error-invalid-body-status``'s)."""
    used: dict[int, list[_Probe]] = {}
    for probe in ctx.probes:
        status = probe[2].exchange.status
        if probe[2].expect == "invalid-body" and status in (400, 422):
            used.setdefault(status, []).append(probe)
    return dict(sorted(used.items()))


def _keys(value: dict[str, Any]) -> str:
    return ", ".join(f'"{k}": …' for k in sorted(value)[:3])


def envelope_of(body: Any) -> str | None:
    """A short name for the shape of an error body: ``{"error": {"message": …}} (OpenAI)``,
    ``{"detail": …} (FastAPI)``, or its top-level keys; ``None`` for anything but a JSON object."""
    if not isinstance(body, dict) or not body:
        return None
    error = body.get("error")
    if isinstance(error, dict):
        return '{"error": {"message": …}} (OpenAI)' if "message" in error else f'{{"error": {{{_keys(error)}}}}}'
    if "detail" in body and "error" not in body:
        return '{"detail": …} (FastAPI)'
    return f"{{{_keys(body)}}}"


def error_envelopes(ctx: ErrorSummaryContext) -> dict[str, list[_Probe]]:
    """Probes answered with an error status and a JSON object, by envelope, most common first."""
    shapes: dict[str, list[_Probe]] = {}
    for probe in ctx.probes:
        exchange = probe[2].exchange
        if exchange.status is None or exchange.status < 400:
            continue
        try:
            label = envelope_of(json.loads(exchange.text))
        except ValueError:
            label = None
        if label is not None:
            shapes.setdefault(label, []).append(probe)
    return dict(sorted(shapes.items(), key=lambda item: -len(item[1])))


def _operations(probes: list[_Probe]) -> str:
    operations = list(dict.fromkeys(operation for _, operation, _ in probes))
    shown = ", ".join(operations[:_SHOWN])
    more = len(operations) - _SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def summary_observations(ctx: ErrorSummaryContext) -> dict[str, ErrorSummaryObservation]:
    """What each summary check observed, by check id, as probe names: for the status check its
    ``invalid_body_statuses`` (``{"400": (...)}``), for the envelope check its ``error_envelopes``
    (``{'{"detail": …} (FastAPI)': (...)}``). The suite puts it on the case (``error_summary``)."""
    statuses = invalid_body_statuses(ctx).items()
    envelopes = error_envelopes(ctx).items()
    return {
        "error-invalid-body-status-consistent": ErrorSummaryObservation(
            invalid_body_statuses={str(status): tuple(name for name, _, _ in probes) for status, probes in statuses}
        ),
        "error-envelope-consistent": ErrorSummaryObservation(
            error_envelopes={label: tuple(name for name, _, _ in probes) for label, probes in envelopes}
        ),
    }


@check(
    "error-invalid-body-status-consistent",
    severity=Severity.SHOULD,
    kind="error-summary",
    title="One status for every invalid body",
)
def invalid_body_status_consistent(ctx: ErrorSummaryContext) -> Iterator[Violation]:
    """A server answers every invalid body with the same status, 400 or 422. The official SDKs raise
    ``BadRequestError`` for 400 and ``UnprocessableEntityError`` for 422, so a server that mixes them
    makes every client catch both. The status a server uses is on the case
    (``error_summary.invalid_body_statuses``), whether or not it is consistent."""
    used = invalid_body_statuses(ctx)
    if not used:
        raise NotApplicable("no invalid-body probe was answered 400 or 422")
    if len(used) < 2:
        return
    example = min(used.values(), key=len)[0][2].exchange
    yield Violation(
        f"invalid bodies are answered HTTP 400 ({_operations(used[400])}) and HTTP 422 "
        f"({_operations(used[422])}); SDKs raise BadRequestError for one and UnprocessableEntityError for the other",
        exchange=example,
    )


@check(
    "error-envelope-consistent",
    severity=Severity.SHOULD,
    kind="error-summary",
    title="One error envelope across the server",
)
def envelope_consistent(ctx: ErrorSummaryContext) -> Iterator[Violation]:
    """Every error body of a server has the same envelope, such as OpenAI's
    ``{"error": {"message", "type", "code"}}`` or FastAPI's ``{"detail": ...}``: clients parse one
    shape (the OpenAI SDKs read ``error.message``), so a server that mixes envelopes loses its
    messages on some operations. The envelopes seen are on the case (``error_summary.error_envelopes``)."""
    shapes = error_envelopes(ctx)
    if not shapes:
        raise NotApplicable("no error probe was answered with a JSON object")
    if len(shapes) < 2:
        return
    groups = "; ".join(f"{label} for {_operations(probes)}" for label, probes in shapes.items())
    example = list(shapes.values())[-1][0][2].exchange
    yield Violation(f"error bodies come in {len(shapes)} envelopes: {groups}", exchange=example)
