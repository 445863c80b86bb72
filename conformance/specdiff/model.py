"""What spec-diff reports: a :class:`Change` found by one rule of the table, at a level, in a direction."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Area", "Change", "Direction", "Level"]


class Level(StrEnum):
    """How sure it is that a client of the old spec breaks: ERR it does, WARN it may, INFO it does not."""

    ERR = "ERR"
    WARN = "WARN"
    INFO = "INFO"

    @property
    def rank(self) -> int:
        return {"ERR": 3, "WARN": 2, "INFO": 1}[self.value]


class Direction(StrEnum):
    """Whose side the change is on: what a client sends, or what it reads back."""

    REQUEST = "request"
    RESPONSE = "response"


class Area(StrEnum):
    PATH = "path"
    OPERATION = "operation"
    PARAMETER = "parameter"
    REQUEST_BODY = "request-body"
    RESPONSE = "response"
    SCHEMA = "schema"
    STREAM_EVENT = "stream-event"


@dataclass(frozen=True, slots=True, order=True)
class Change:
    """One change between two specs that a rule reports; sorts by operation, then rule and location."""

    operation: str
    """``METHOD /path`` as templated in the old spec (the new one for an added operation)."""
    rule: str
    location: str
    """Where in the operation: ``request body application/json: input``, ``response 200 ...``."""
    level: Level
    direction: Direction
    area: Area
    message: str

    @property
    def key(self) -> tuple[str, str]:
        """What an ignore entry names: (rule id, operation)."""
        return (self.rule, self.operation)
