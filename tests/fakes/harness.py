"""Running a suite against the fake server in memory and reading what fired."""

from __future__ import annotations

from collections.abc import Iterable

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import get_profile
from conformance.core.results import CaseResult, Target
from conformance.runner.base import RunContext, RunOptions, Suite
from tests.fakes.server import make_app
from tests.fakes.transport import SyncASGITransport

__all__ = ["fake_client", "fired_checks", "run_suite"]

BASE_URL = "http://fake.test"


def fake_client(breaks: Iterable[str] = (), *, api_key: str | None = None) -> TargetClient:
    settings = ClientSettings(base_url=BASE_URL, api_key=api_key)
    return TargetClient(settings, transport=SyncASGITransport(make_app(breaks)))


def run_suite(
    suite: Suite,
    breaks: Iterable[str] = (),
    *,
    profile: str = "llama-stack-0.3",
    options: RunOptions | None = None,
) -> list[CaseResult]:
    """All cases ``suite`` yields against the fake with ``breaks`` broken."""
    with fake_client(breaks) as client:
        ctx = RunContext(
            client=client,
            profile=get_profile(profile),
            target=Target(base_url=BASE_URL, profile=profile, server="fake"),
            options=options or RunOptions(),
        )
        return list(suite.run(ctx))


def fired_checks(cases: Iterable[CaseResult]) -> set[str]:
    """Check ids of every finding in ``cases``."""
    return {finding.check_id for case in cases for finding in case.findings}
