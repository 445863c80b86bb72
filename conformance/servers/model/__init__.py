"""The deterministic OpenAI-compatible model server.

Upstream reference servers use it as their ``remote::openai`` inference backend so that
recordings are reproducible byte for byte; tests use it directly. The rules every answer
follows are documented in docs/model-server.md.
"""

from __future__ import annotations

from conformance.servers.model.asgi import create_app
from conformance.servers.model.settings import CHAT_MODEL, EMBEDDING_MODEL, ModelServerConfig

__all__ = ["CHAT_MODEL", "EMBEDDING_MODEL", "ModelServerConfig", "create_app"]
