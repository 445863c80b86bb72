"""``conformance mock serve``: a stateful mock server answering from a profile's recordings.

For client authors (SDKs, applications): it matches each request to a recorded interaction of the
profile's cassettes by method, canonical path template and body, binds ids (an id it hands out
stands for a recorded one), keeps what the session created and deleted, replays recorded streams,
checks bodies against the profile's spec, and injects faults. See docs/mock.md.
"""

from __future__ import annotations

from pathlib import Path

from conformance.cassettes.store import load_profile_cassettes, profile_recordings
from conformance.core.profiles import Profile
from conformance.mock.app import JOURNAL_PATH, MockApp, MockSettings
from conformance.mock.engine import Answer, Engine
from conformance.mock.faults import FAULT_HEADER, Fault, parse_fault
from conformance.mock.recordings import Recordings
from conformance.spec.loader import read_spec

__all__ = [
    "FAULT_HEADER",
    "JOURNAL_PATH",
    "Answer",
    "Engine",
    "Fault",
    "MockApp",
    "MockSettings",
    "Recordings",
    "build_app",
    "parse_fault",
]


def build_app(profile: Profile, settings: MockSettings | None = None, recordings_root: Path | None = None) -> MockApp:
    """The mock for ``profile``: its cassettes (own, or under ``recordings_root``) and its spec."""
    folder = profile_recordings(profile, recordings_root)
    cassettes = load_profile_cassettes(folder, profile.id)
    spec = read_spec(profile.spec_path)
    return MockApp(Engine(Recordings.load(spec, cassettes)), settings)
