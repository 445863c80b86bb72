"""Reusable fakes for unit tests: a conformant in-memory server with per-rule "break this" switches."""

from tests.fakes.harness import fake_client, fired_checks, run_suite
from tests.fakes.server import BREAKABLE, CHAT_MODEL, SCHEMA_PROBE_FIELD, make_app
from tests.fakes.transport import SyncASGITransport

__all__ = [
    "BREAKABLE",
    "CHAT_MODEL",
    "SCHEMA_PROBE_FIELD",
    "SyncASGITransport",
    "fake_client",
    "fired_checks",
    "make_app",
    "run_suite",
]
