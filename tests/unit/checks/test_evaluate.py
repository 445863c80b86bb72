"""conformance/checks/evaluate.py: from what a check yields to findings."""

from __future__ import annotations

from collections.abc import Iterator

from conformance.checks import ErrorProbeContext, StreamContext, Violation, evaluate, get_check
from conformance.checks.evaluate import MAX_FINDINGS_PER_CHECK
from conformance.checks.registry import Check
from conformance.core.redact import Redactor
from conformance.core.results import Severity
from tests.fakes.contexts import exchange, stream_of

REDACTOR = Redactor.for_values(["sk-secret-value"])
PROBE = ErrorProbeContext(exchange=exchange(404, {"detail": "x"}, path="/v1/files/f"), expect="not-found")


def _check(func: object, *, guarded: bool = True) -> Check:
    return Check("test-check", Severity.SHOULD, "error", "t", "d", func, guarded)  # type: ignore[arg-type]


def test_findings_carry_id_severity_operation_and_a_reproduction() -> None:
    outcome = evaluate(
        get_check("error-unknown-id-404"),
        ErrorProbeContext(exchange=exchange(400, {"detail": "x"}), expect="not-found"),
        operation="GET /v1/vector_stores/{vector_store_id}",
        redactor=REDACTOR,
    )
    [finding] = outcome.findings
    assert finding.check_id == "error-unknown-id-404"
    assert finding.severity is Severity.MUST  # the rule's own severity, whichever server answered
    assert finding.reproduction is not None
    assert finding.reproduction.startswith("curl")
    assert finding.evidence is not None
    assert "HTTP 400" in finding.evidence.response


def test_messages_are_one_line_and_redacted() -> None:
    def leaky(ctx: object) -> Iterator[str]:
        yield "the server echoed\nsk-secret-value back"

    [finding] = evaluate(_check(leaky), PROBE, operation="op", redactor=REDACTOR).findings
    assert finding.message == "the server echoed <redacted> back"


def test_many_violations_are_capped() -> None:
    def noisy(ctx: object) -> Iterator[str]:
        yield from (f"problem {i}" for i in range(MAX_FINDINGS_PER_CHECK + 3))

    findings = evaluate(_check(noisy), PROBE, operation="op", redactor=REDACTOR).findings
    assert len(findings) == MAX_FINDINGS_PER_CHECK
    assert findings[-1].message.endswith("(and 3 more like this)")


def test_a_violation_can_point_at_another_exchange() -> None:
    other = exchange(500, "boom", content_type="text/plain", path="/v1/other")

    def pointing(ctx: object) -> Iterator[Violation]:
        yield Violation("see the other request", other)

    [finding] = evaluate(_check(pointing), PROBE, operation="op", redactor=REDACTOR).findings
    assert finding.reproduction is not None
    assert "/v1/other" in finding.reproduction


def test_a_crashing_check_is_an_error_not_a_finding() -> None:
    def broken(ctx: object) -> Iterator[str]:
        raise KeyError("oops")

    outcome = evaluate(_check(broken), PROBE, operation="op", redactor=REDACTOR)
    assert outcome.findings == ()
    assert outcome.error == "check test-check crashed: KeyError: 'oops'"


def test_guarded_checks_skip_when_the_precondition_fails() -> None:
    _, stream = stream_of()
    ctx = StreamContext(exchange=exchange(500, {"detail": "x"}), stream=stream)
    outcome = evaluate(get_check("sse-json-data"), ctx, operation="op", redactor=REDACTOR)
    assert outcome.skipped is not None
    assert "HTTP 500" in outcome.skipped
    unguarded = evaluate(get_check("sse-http-status"), ctx, operation="op", redactor=REDACTOR)
    assert [f.check_id for f in unguarded.findings] == ["sse-http-status"]
