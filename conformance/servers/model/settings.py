"""Model ids, fixed timestamps and the server configuration.

Kept apart from the app so that callers (reference-server configs, tests) can import the ids
without pulling in Starlette.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CHAT_MODEL", "CREATED", "EMBEDDING_MODEL", "MAX_EMBEDDING_DIMENSION", "OWNER", "ModelServerConfig"]

CHAT_MODEL = "conformance-chat"
"""Serves ``/v1/chat/completions`` and ``/v1/completions``."""
EMBEDDING_MODEL = "conformance-embed"
"""Serves ``/v1/embeddings``."""
OWNER = "conformance"
CREATED = 1_735_689_600
"""Every ``created`` field (2025-01-01T00:00:00Z): a clock would make recordings differ."""
MAX_EMBEDDING_DIMENSION = 8192


@dataclass(frozen=True, slots=True)
class ModelServerConfig:
    """What can vary between deterministic model servers; everything else is fixed by the rules."""

    embedding_dimension: int = 8
    """Length of embedding vectors when a request does not ask for ``dimensions``."""

    def __post_init__(self) -> None:
        if isinstance(self.embedding_dimension, bool) or not isinstance(self.embedding_dimension, int):
            raise TypeError("embedding_dimension must be an integer")
        if not 1 <= self.embedding_dimension <= MAX_EMBEDDING_DIMENSION:
            raise ValueError(f"embedding_dimension must be between 1 and {MAX_EMBEDDING_DIMENSION}")
