"""The smoke suite against the conformant fake server (spec validators injected)."""

from __future__ import annotations

from typing import Any

from conformance.checks import jsonschema_validator
from conformance.core.results import Status
from conformance.runner.smoke import CALLS, SmokeSuite
from tests.fakes import run_suite
from tests.fakes.expect import assert_fires_alone, assert_quiet

ANYTHING = jsonschema_validator({})


def _by_id(cases: list[Any]) -> dict[str, Any]:
    return {c.id: c for c in cases}


def test_every_call_is_judged_and_a_conformant_server_passes() -> None:
    suite = SmokeSuite(body_validator=lambda *_: ANYTHING, event_validator=lambda *_: ANYTHING)
    cases = _by_id(run_suite(suite))
    assert {c.rsplit("/", 1)[0] for c in cases} == {f"smoke/{call.name}" for call in CALLS}
    assert {c.status for c in cases.values()} <= {Status.PASS, Status.SKIP}
    assert cases["smoke/models/schema"].status is Status.PASS
    assert cases["smoke/chat-completions/stream/single-id"].status is Status.PASS


def test_the_spec_is_asked_for_the_templated_operation() -> None:
    asked: list[tuple[str, str, str]] = []

    def record(profile: str, method: str, path: str) -> Any:
        asked.append((profile, method, path))
        return ANYTHING

    run_suite(SmokeSuite(body_validator=record, event_validator=record), profile="ogx-1.5")
    assert ("ogx-1.5", "POST", "/v1/responses") in asked
    assert ("ogx-1.5", "POST", "/v1/chat/completions") in asked


def test_json_response_checks_fire_alone_and_stay_quiet() -> None:
    for check_id in ("json-response-status", "json-response-content-type", "json-response-schema"):
        cases = assert_fires_alone(check_id)
        assert {c.operation for c in cases if c.findings} == {"GET /v1/version"}
        assert_quiet(check_id)
