"""What one mock session remembers: the ids it handed out, where each came from, which were deleted.

An id the mock hands out stands for a recorded one (``resp_9f…`` for the recording's ``resp_48…``):
the *origin* says which cassette and which recorded value, so that later requests naming the new id
are answered from the same recorded flow (its lineage) with the recorded id rewritten to the new one.
"""

from __future__ import annotations

import secrets
import string
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MockState", "Origin", "fresh_id"]

_UUID_SHAPE = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
_HEX = "0123456789abcdef"


def fresh_id(recorded: str) -> str:
    """A new id shaped like ``recorded``: the same prefix (``resp_``, ``file-``), separators and length."""
    if len(recorded) == len(_UUID_SHAPE) and all(
        (c == "-") == (s == "-") for c, s in zip(recorded, _UUID_SHAPE, strict=True)
    ):
        return str(uuid.uuid4())
    head = 0
    while head < len(recorded) and recorded[head].isalpha():
        head += 1
    if head < len(recorded) and recorded[head] in "_-" and head > 0:
        head += 1
    else:
        head = 0
    out = [recorded[:head]]
    for c in recorded[head:]:
        if c in _HEX or c.isdigit():
            out.append(secrets.choice(_HEX))
        elif c in _HEX.upper():
            out.append(secrets.choice(_HEX.upper()))
        elif c.isalpha():
            out.append(secrets.choice(string.ascii_uppercase if c.isupper() else string.ascii_lowercase))
        else:
            out.append(c)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Origin:
    cassette: str
    recorded: str
    """The recorded id this one stands for."""


@dataclass
class MockState:
    """Ids handed out in this session (thread-safe: uvicorn may answer requests concurrently)."""

    origins: dict[str, Origin] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    objects: dict[str, Any] = field(default_factory=dict)
    """The latest JSON object answered for an id (``{"id": id, ...}``): what a later GET returns."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def alive(self, value: str) -> bool:
        return value in self.origins and value not in self.deleted

    def hand_out(self, cassette: str, recorded: str) -> str:
        new = fresh_id(recorded)
        self.origins[new] = Origin(cassette, recorded)
        return new

    def lineage(self, values: list[str]) -> set[str]:
        return {self.origins[v].cassette for v in values if v in self.origins}
