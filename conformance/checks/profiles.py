"""Per-profile severity overrides for our checks.

A profile is defined by its reference release, so a rule the reference server itself does not follow
cannot gate that profile: it is lowered here (to MAY: still reported, never failing a run) with the
reason. An override covers every operation, or only the ones it names. The table is data on purpose:
``docs/checks.md`` lists every entry, and everything not in it keeps the check's default severity.

The entries were found by running the ``streaming`` and ``errors`` suites against each reference.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.core.results import Severity

__all__ = ["SEVERITY_OVERRIDES", "Override", "overrides_for", "severity_for"]


@dataclass(frozen=True, slots=True)
class Override:
    check_id: str
    severity: Severity
    reason: str
    operations: frozenset[str] = frozenset()
    """Operations (``'GET /v1/files/{file_id}'``) it applies to; empty means all of them."""

    def applies(self, check_id: str, operation: str) -> bool:
        return check_id == self.check_id and (not self.operations or operation in self.operations)


def _may(check_id: str, reason: str, *operations: str) -> Override:
    return Override(check_id, Severity.MAY, reason, frozenset(operations))


_COMMON = (
    _may("chat-stream-done-sentinel", "the reference server ends chat streams without `data: [DONE]`"),
    _may("responses-stream-text-done", "the reference server never emits `response.output_text.done`"),
)
_400_FOR_UNKNOWN = (
    "GET /v1/vector_stores/{vector_store_id}",
    "GET /v1/chat/completions/{completion_id}",
)

SEVERITY_OVERRIDES: dict[str, tuple[Override, ...]] = {
    "llama-stack-0.3": (
        *_COMMON,
        _may(
            "responses-stream-sequence-number",
            "`response.created` and `response.completed` carry no `sequence_number` in 0.3",
        ),
        _may("agent-stream-turn-start", "the 0.3 reference never emits `turn_start` (declared, never sent)"),
        _may(
            "error-unknown-id-404",
            "0.3 turns its not-found ValueErrors into 400",
            "GET /v1/responses/{response_id}",
            "GET /v1/responses/{response_id}/input_items",
            "DELETE /v1/responses/{response_id}",
            "GET /v1/conversations/{conversation_id}",
            "GET /v1alpha/agents/{agent_id}",
            "GET /v1alpha/agents/{agent_id}/session/{session_id}",
            *_400_FOR_UNKNOWN,
        ),
    ),
    "llama-stack-0.7": (
        *_COMMON,
        _may("error-unknown-id-404", "the reference answers 400 for these unknown ids", *_400_FOR_UNKNOWN),
    ),
    "ogx-1.5": (
        *_COMMON,
        _may("error-unknown-id-404", "the reference answers 400 for these unknown ids", *_400_FOR_UNKNOWN),
    ),
}
"""profile id -> overrides, first match wins."""


def overrides_for(profile_id: str) -> tuple[Override, ...]:
    return SEVERITY_OVERRIDES.get(profile_id, ())


def severity_for(check_id: str, default: Severity, profile_id: str, operation: str) -> Severity:
    """The severity ``check_id`` has under ``profile_id`` on ``operation``."""
    override = next((o for o in overrides_for(profile_id) if o.applies(check_id, operation)), None)
    return override.severity if override is not None else default
