"""The one registry of the suite's own checks.

A check is a small function decorated with :func:`check`: it reads a context (see
:mod:`conformance.checks.context`) and yields what is wrong, as plain messages or as
:class:`Violation` objects when the evidence is another exchange than the context's own. It raises
:class:`NotApplicable` when the context cannot exercise its rule, so the case says ``skip`` instead of
claiming a pass. Ids are stable kebab-case strings: baselines, profiles and reports key on them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from conformance.core.http_exchange import Exchange
from conformance.core.results import Severity

__all__ = [
    "KINDS",
    "Check",
    "CheckFunction",
    "NotApplicable",
    "Violation",
    "all_checks",
    "check",
    "checks_for",
    "get_check",
]

KINDS: dict[str, str] = {
    "json-response": "a request that must succeed with a JSON body (the smoke suite)",
    "sse": "every streamed response",
    "responses-stream": (
        "`POST /v1/responses` with `stream: true`, and each `response.create` turn over a WebSocket on `/v1/responses`"
    ),
    "responses-function-call": "a Responses stream whose request offered a function tool",
    "responses-socket": "a `response.create` turn over a WebSocket on `/v1/responses` (where the server serves one)",
    "responses-socket-error": "a `response.create` over a WebSocket that must fail, and the turn sent after it",
    "responses-socket-retry": (
        "a `store: false` continuation over a WebSocket that failed, sent again with the same `previous_response_id`"
    ),
    "chat-stream": "`POST /v1/chat/completions` with `stream: true`",
    "chat-stream-usage": "a chat completions stream with `stream_options.include_usage`",
    "chat-stream-tool-calls": "a chat completions stream whose request offered a function tool and asked for a call",
    "chat-stream-choices": "a chat completions stream asked for several choices (`n` > 1)",
    "chat-stream-logprobs": "a chat completions stream asked for `logprobs`",
    "agent-stream": "a streamed agent turn (Agents API, Llama Stack 0.3)",
    "error": "every request built to fail",
    "error-not-found": "a request for a resource id that does not exist",
    "error-invalid-body": "a request with an invalid body",
    "error-invalid-stream": "a streaming request that is invalid before its stream starts (unknown model or session)",
    "error-summary": "all of the errors suite's answers from one server, judged together (one case per run)",
}
"""Check kinds in documentation order, with what each applies to."""


class NotApplicable(Exception):  # noqa: N818 - it is a signal, not an error
    """Raised by a check when the context cannot exercise its rule; the case becomes ``skip``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken rule; ``exchange`` overrides the context's exchange as evidence."""

    message: str
    exchange: Exchange | None = None


CheckFunction = Callable[[Any], Iterable[str | Violation]]


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    severity: Severity
    """What the contract requires; the same for every server (users may re-weigh it: ``--severity-levels``)."""
    kind: str
    title: str
    description: str
    func: CheckFunction
    guarded: bool = True
    """Skipped when the context's precondition fails (e.g. the streaming request got no stream)."""

    @property
    def short_id(self) -> str:
        """The id without its family prefix (``responses-stream-``, ``sse-``...): the last segment of case ids."""
        for prefix in _FAMILY_PREFIXES:
            if self.id.startswith(prefix) and len(self.id) > len(prefix):
                return self.id[len(prefix) :]
        return self.id


_FAMILY_PREFIXES = (
    "responses-stream-",
    "responses-socket-",
    "chat-stream-",
    "agent-stream-",
    "sse-",
    "error-",
    "json-response-",
)

_REGISTRY: dict[str, Check] = {}


def _is_kebab(value: str) -> bool:
    parts = value.split("-")
    return all(p and p.isascii() and p.isalnum() and p == p.lower() for p in parts)


def check[F: CheckFunction](
    check_id: str, *, severity: Severity, kind: str, title: str, guarded: bool = True
) -> Callable[[F], F]:
    """Register the decorated function as check ``check_id``; its docstring becomes the description.

    ``guarded=False`` makes the check run even when the context's precondition fails: the one check
    that judges the precondition itself (``sse-http-status``) needs that.
    """
    if not _is_kebab(check_id):
        raise ValueError(f"check id {check_id!r} is not kebab-case")
    if kind not in KINDS:
        raise ValueError(f"check {check_id!r}: unknown kind {kind!r} (known: {', '.join(KINDS)})")

    def register(func: F) -> F:
        existing = _REGISTRY.get(check_id)
        if existing is not None and existing.func is not func:
            raise ValueError(f"check id {check_id!r} is registered twice")
        description = inspect.cleandoc(func.__doc__ or "").strip()
        _REGISTRY[check_id] = Check(check_id, severity, kind, title, description, func, guarded)
        return func

    return register


def all_checks() -> list[Check]:
    """Every registered check, grouped by kind in :data:`KINDS` order, then in registration order."""
    order = list(KINDS)
    return sorted(_REGISTRY.values(), key=lambda c: order.index(c.kind))


def checks_for(kinds: Iterable[str]) -> list[Check]:
    wanted = set(kinds)
    return [c for c in all_checks() if c.kind in wanted]


def get_check(check_id: str) -> Check:
    try:
        return _REGISTRY[check_id]
    except KeyError:
        raise KeyError(f"unknown check id {check_id!r}") from None
