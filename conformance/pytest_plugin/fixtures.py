"""Fixtures for a user's own tests, and :func:`assert_stream_conforms`.

``def test_my_flow(conformance_client): ...`` gets our HTTP client bound to ``--conformance-base-url``
(auth, limits, redaction); without that option the fixtures that need a target skip, saying so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from conformance.core.results import Finding, Severity

if TYPE_CHECKING:
    from conformance.checks.context import PayloadValidator
    from conformance.checks.streams import Events, StreamKind
    from conformance.core.client import TargetClient
    from conformance.core.profiles import Profile
    from conformance.core.results import Target
    from conformance.pytest_plugin._options import PluginOptions
    from conformance.servers.reference.launcher import RunningReference

__all__ = [
    "ConformanceTarget",
    "assert_stream_conforms",
    "conformance_client",
    "conformance_mock",
    "conformance_reference",
    "conformance_target",
]


def _options(config: pytest.Config) -> PluginOptions:
    from conformance.pytest_plugin import OPTIONS_KEY

    options = config.stash.get(OPTIONS_KEY, None)
    if options is None:
        pytest.skip("needs a server to judge: pass --conformance-base-url URL")
    return options


@dataclass(frozen=True)
class ConformanceTarget:
    """The probed server: its base URL, what it reported, and the profile it is judged by."""

    base_url: str
    target: Target
    profile: Profile


@pytest.fixture(scope="session")
def conformance_client(pytestconfig: pytest.Config) -> Iterator[TargetClient]:
    """Our client bound to ``--conformance-base-url``: auth and headers sent, limits kept, secrets redacted."""
    from conformance.core.client import TargetClient

    with TargetClient(_options(pytestconfig).client) as client:
        yield client


@pytest.fixture(scope="session")
def conformance_target(pytestconfig: pytest.Config, conformance_client: TargetClient) -> ConformanceTarget:
    """The server probed once per session (``/v1/health``, ``/v1/version``) and its profile: the one given
    by ``--conformance-profile``, else the one its version names. An unreachable server fails the setup."""
    from conformance.core.errors import ConformanceError
    from conformance.runner.target import probe_target

    try:
        target, profile = probe_target(conformance_client, profile_id=_options(pytestconfig).profile)
    except ConformanceError as exc:
        problem = exc.message
    else:
        return ConformanceTarget(base_url=conformance_client.settings.base_url, target=target, profile=profile)
    pytest.fail(f"conformance_target: {problem}", pytrace=False)


@pytest.fixture(scope="session")
def conformance_reference(pytestconfig: pytest.Config) -> Iterator[RunningReference]:
    """An embedded reference (``--conformance-reference``, default OGX 1.5.0 with the deterministic model
    server) started for the session and stopped after it; ``.base_url`` is where it listens."""
    from conformance.core.errors import ConformanceError
    from conformance.servers.reference import start_reference
    from conformance.servers.reference.releases import DEFAULT_RELEASE, get_release

    try:
        release = get_release(pytestconfig.getoption("conformance_reference") or DEFAULT_RELEASE).id
        reference = start_reference(release, port=0)  # a free port: never the one a user's server holds
    except ConformanceError as exc:
        problem = exc.message
    else:
        try:
            yield reference
        finally:
            reference.stop()
        return
    pytest.fail(f"conformance_reference: {problem}", pytrace=False)


@pytest.fixture(scope="session")
def conformance_mock(pytestconfig: pytest.Config) -> Iterator[str]:
    """The base URL of ``conformance mock serve`` for the session, in-process on a free port: the
    recordings of ``--conformance-profile`` (default the default reference's, ogx-1.5) answered with no
    upstream server or model. A test may inject faults per request with the ``X-Mock-Fault`` header and
    read what its client sent at ``GET /__mock/journal`` (docs/mock.md)."""
    from conformance.core.errors import ConformanceError
    from conformance.core.profiles import get_profile, profile_for_release
    from conformance.mock import build_app
    from conformance.servers.reference.releases import DEFAULT_RELEASE
    from conformance.servers.serving import running_app

    chosen = pytestconfig.getoption("conformance_profile")
    try:
        profile = get_profile(chosen) if chosen else profile_for_release(DEFAULT_RELEASE)
        if profile is None:
            raise ConformanceError(f"no built-in profile for {DEFAULT_RELEASE}; pass --conformance-profile")
        app = build_app(profile)
    except ConformanceError as exc:
        pytest.fail(f"conformance_mock: {exc.message}", pytrace=False)
    with running_app(app) as url:
        yield url


def assert_stream_conforms(
    events: Events,
    kind: StreamKind = "responses",
    *,
    profile: str | None = None,
    validator: PayloadValidator | None = None,
    function_tool: bool = False,
    include_usage: bool = False,
    fail_on: Severity = Severity.SHOULD,
) -> list[Finding]:
    """Judge a stream by the streaming suite's checks of ``kind`` (``responses``, ``chat``, ``agent``).

    ``events`` is an exchange from ``conformance_client.exchange(request, stream=True)``, the raw
    ``text/event-stream`` text, or the decoded event payloads. ``profile`` validates each event against
    that profile's spec (or pass a ``validator``). Raises ``AssertionError`` listing the findings at or
    above ``fail_on``; returns every finding (so, when it returns, the lesser ones: warnings).
    """
    from conformance.checks.streams import stream_findings

    if profile is not None and validator is None:
        from conformance.runner.streaming import StreamValidators

        validators = StreamValidators.from_spec(profile)
        validator = {"responses": validators.responses_event, "chat": validators.chat_chunk}.get(
            kind, validators.agent_event
        )
    findings = stream_findings(
        events, kind, validator=validator, function_tool=function_tool, include_usage=include_usage
    )
    failing = [f for f in findings if f.severity.rank >= fail_on.rank]
    if failing:
        lines = [f"[{f.severity.value}] {f.check_id}: {f.message}" for f in failing]
        raise AssertionError(f"the {kind} stream breaks {len(failing)} rule(s):\n  " + "\n  ".join(lines))
    return findings
