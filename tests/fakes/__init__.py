"""Reusable fakes for unit tests: a conformant in-memory server with per-rule "break this" switches."""

from tests.fakes.harness import PLAIN_PROFILE, fake_client, fired_checks, judge, run_suite, suite_for
from tests.fakes.server import BREAKABLE, CHAT_MODEL, SCHEMA_PROBE_FIELD, make_app
from tests.fakes.transport import SyncASGITransport

__all__ = [
    "BREAKABLE",
    "CHAT_MODEL",
    "PLAIN_PROFILE",
    "SCHEMA_PROBE_FIELD",
    "SyncASGITransport",
    "fake_client",
    "fired_checks",
    "judge",
    "make_app",
    "run_suite",
    "suite_for",
]
