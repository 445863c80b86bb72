"""The suite's own checks: the success contract, streaming rules and the error contract.

Importing this package registers every check, so ``all_checks()`` is complete after
``import conformance.checks``. Check ids, kinds and severities are listed in ``docs/checks.md``.
"""

# Registration order is documentation order within a kind: the basic error rules come first.
from conformance.checks import (  # noqa: I001
    agent_stream,
    chat_stream,
    error_contract,
    error_answers,
    error_consistency,
    json_response,
    responses_stream,
    responses_socket,
    sse,
)
from conformance.checks.context import (
    AgentTurnStreamContext,
    ChatStreamContext,
    ConnectionAfterError,
    ErrorProbeContext,
    ErrorSummaryContext,
    JsonResponseContext,
    PayloadValidator,
    ResponsesSocketContext,
    ResponsesStreamContext,
    SocketErrorContext,
    SocketRetryContext,
    StreamContext,
    jsonschema_validator,
)
from conformance.checks.evaluate import Outcome, evaluate, evaluate_all
from conformance.checks.registry import KINDS, Check, NotApplicable, Violation, all_checks, check, checks_for, get_check

__all__ = [
    "KINDS",
    "AgentTurnStreamContext",
    "ChatStreamContext",
    "Check",
    "ConnectionAfterError",
    "ErrorProbeContext",
    "ErrorSummaryContext",
    "JsonResponseContext",
    "NotApplicable",
    "Outcome",
    "PayloadValidator",
    "ResponsesSocketContext",
    "ResponsesStreamContext",
    "SocketErrorContext",
    "SocketRetryContext",
    "StreamContext",
    "Violation",
    "agent_stream",
    "all_checks",
    "chat_stream",
    "check",
    "checks_for",
    "error_answers",
    "error_consistency",
    "error_contract",
    "evaluate",
    "evaluate_all",
    "get_check",
    "json_response",
    "jsonschema_validator",
    "responses_socket",
    "responses_stream",
    "sse",
]
