"""Running suites against the fake server in memory, and reading what fired."""

from __future__ import annotations

from collections.abc import Iterable

from conformance.checks import get_check, jsonschema_validator
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import Profile, get_profile
from conformance.core.results import CaseResult, Target
from conformance.core.sse import SSELimits
from conformance.runner.base import RunContext, RunOptions, Suite
from conformance.runner.errors import ErrorsSuite
from conformance.runner.smoke import SmokeSuite
from conformance.runner.streaming import StreamingSuite, StreamValidators
from tests.fakes.server import SCHEMA_PROBE_FIELD, make_app
from tests.fakes.transport import ASGISocketConnector, SyncASGITransport

__all__ = [
    "BASE_URL",
    "PLAIN_PROFILE",
    "fake_client",
    "fired_checks",
    "judge",
    "run_suite",
    "suite_for",
]

BASE_URL = "http://fake.test"

PLAIN_PROFILE = Profile("test-plain", "A profile without severity overrides", "none", has_agents=True)
"""Every check keeps its default severity here, and the Agents API is on."""

_PROBE_VALIDATOR = jsonschema_validator({"type": "object", "properties": {SCHEMA_PROBE_FIELD: {"type": "string"}}})
TEST_LIMITS = SSELimits(max_bytes=20_000)
"""Well above a conformant stream, well below the padding of the ``sse-stream-ends`` variant."""


def fake_client(breaks: Iterable[str] = (), *, api_key: str | None = None) -> TargetClient:
    settings = ClientSettings(base_url=BASE_URL, api_key=api_key)
    app = make_app(breaks)
    return TargetClient(settings, transport=SyncASGITransport(app), connector=ASGISocketConnector(app))


def run_suite(
    suite: Suite,
    breaks: Iterable[str] = (),
    *,
    profile: Profile | str = PLAIN_PROFILE,
    options: RunOptions | None = None,
    client: TargetClient | None = None,
) -> list[CaseResult]:
    """All cases ``suite`` yields against the fake (or ``client``) with ``breaks`` broken."""
    resolved = get_profile(profile) if isinstance(profile, str) else profile
    with client or fake_client(breaks) as target_client:
        ctx = RunContext(
            client=target_client,
            profile=resolved,
            target=Target(base_url=BASE_URL, profile=resolved.id, server="fake"),
            options=options or RunOptions(),
        )
        return list(suite.run(ctx))


def suite_for(check_id: str) -> Suite:
    """The suite that exercises ``check_id``, with schema validators and test-sized limits."""
    kind = get_check(check_id).kind
    if kind.startswith("error"):
        return ErrorsSuite()
    if kind == "json-response":
        return SmokeSuite(body_validator=lambda *_: _PROBE_VALIDATOR, event_validator=lambda *_: _PROBE_VALIDATOR)
    validators = StreamValidators(_PROBE_VALIDATOR, _PROBE_VALIDATOR, _PROBE_VALIDATOR)
    return StreamingSuite(limits=TEST_LIMITS, validators=validators)


def judge(check_id: str, breaks: Iterable[str] = ()) -> list[CaseResult]:
    """Run the suite that exercises ``check_id`` against the fake with ``breaks`` broken."""
    return run_suite(suite_for(check_id), breaks)


def fired_checks(cases: Iterable[CaseResult]) -> set[str]:
    """Check ids of every finding in ``cases``."""
    return {finding.check_id for case in cases for finding in case.findings}
