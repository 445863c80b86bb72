"""Finding the model ids to use, from the server's own model list (this request is not recorded)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.core.client import TargetClient
from conformance.core.errors import HarnessError
from conformance.scenarios.base import Models

__all__ = ["discover_models", "models_from_listing"]


def _kind(model: Mapping[str, Any]) -> str:
    """``llm`` or ``embedding``: 0.3 says ``model_type``; 0.7/OGX say ``custom_metadata.model_type``."""
    metadata = model.get("custom_metadata") or model.get("metadata") or {}
    kind = model.get("model_type") or (metadata.get("model_type") if isinstance(metadata, Mapping) else None)
    return str(kind or "llm")


def models_from_listing(payload: Any) -> Models | None:
    """The first llm and the first embedding model of a ``GET /v1/models`` answer."""
    entries = payload.get("data") if isinstance(payload, Mapping) else None
    chat = embedding = None
    for entry in entries or []:
        if not isinstance(entry, Mapping):
            continue
        model_id = entry.get("id") or entry.get("identifier")
        if not isinstance(model_id, str):
            continue
        kind = _kind(entry)
        if kind == "llm" and chat is None:
            chat = model_id
        elif kind == "embedding" and embedding is None:
            embedding = model_id
    return Models(chat=chat, embedding=embedding) if chat else None


def discover_models(client: TargetClient) -> Models:
    response = client.request("GET", "/v1/models")
    try:
        payload = response.json()
    except ValueError:
        payload = None
    models = models_from_listing(payload)
    if models is None:
        raise HarnessError(f"{client.settings.base_url}: GET /v1/models lists no llm model to run scenarios with")
    return models
