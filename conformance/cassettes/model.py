"""What a cassette holds, as plain frozen data.

The on-disk shape is vcrpy's (``version: 1``, ``interactions: [{request, response}]``) so that
vcrpy itself, and anyone who knows it, can read our recordings. What vcrpy has no place for (the
profile, the server that answered, a name for every step) lives under one top-level
``conformance:`` key, which vcrpy ignores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from conformance.core.media_types import SSE_MEDIA_TYPE, media_type

__all__ = [
    "META_KEY",
    "RECORDED_ORIGIN",
    "VCR_FORMAT_VERSION",
    "Cassette",
    "CassetteMeta",
    "Interaction",
    "RecordedRequest",
    "RecordedResponse",
]

VCR_FORMAT_VERSION = 1
META_KEY = "conformance"
RECORDED_ORIGIN = "http://127.0.0.1:8321"
"""Every recorded URI is rewritten onto this origin (the reference's default address).

The real address changes with every recording (references pick a free port); a fixed origin keeps
re-recordings diffable. Replay only uses the path and query and sends them to ``--base-url``.
"""


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    uri: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | None = None

    @property
    def target(self) -> str:
        """Path and query relative to the server's base URL (what replay sends)."""
        url = httpx.URL(self.uri)
        query = url.query.decode("ascii", errors="replace")
        return url.path + (f"?{query}" if query else "")

    @property
    def path(self) -> str:
        return httpx.URL(self.uri).path


@dataclass(frozen=True, slots=True)
class RecordedResponse:
    status: int
    reason: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str = ""

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers.items() if k.lower() == "content-type"), "")

    @property
    def is_stream(self) -> bool:
        return media_type(self.content_type) == SSE_MEDIA_TYPE


@dataclass(frozen=True, slots=True)
class Interaction:
    request: RecordedRequest
    response: RecordedResponse
    step: str
    """The scenario's name for this exchange, e.g. ``create-session`` (unique within a cassette)."""


@dataclass(frozen=True, slots=True)
class CassetteMeta:
    profile: str
    scenario: str
    title: str = ""
    server: str | None = None
    server_version: str | None = None
    recorded_at: str = ""
    """ISO date only: a time of day would change on every re-recording."""
    suite_version: str = ""
    models: Mapping[str, str] = field(default_factory=dict)
    """Model ids the scenario used, by role (``chat``, ``embedding``); replay maps them to the target's."""
    pauses: Mapping[str, float] = field(default_factory=dict)
    """Step -> seconds the scenario waited before it; replay waits as long."""


@dataclass(frozen=True, slots=True)
class Cassette:
    meta: CassetteMeta
    interactions: tuple[Interaction, ...]
    path: Path | None = None
    """Where it was loaded from (for messages); ``None`` for a cassette built in memory."""

    @property
    def name(self) -> str:
        return self.meta.scenario

    @property
    def label(self) -> str:
        return str(self.path) if self.path else f"<cassette {self.meta.scenario}>"
