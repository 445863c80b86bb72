"""Which models the scenarios use, from either shape of GET /v1/models."""

from __future__ import annotations

import httpx
import pytest

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import HarnessError
from conformance.scenarios import Models, discover_models, models_from_listing


def test_openai_style_listing_with_custom_metadata() -> None:
    listing = {
        "data": [
            {"id": "p/embed", "custom_metadata": {"model_type": "embedding"}},
            {"id": "p/chat", "custom_metadata": {"model_type": "llm"}},
        ]
    }
    assert models_from_listing(listing) == Models(chat="p/chat", embedding="p/embed")


def test_llama_stack_0_3_listing_with_identifier_and_model_type() -> None:
    listing = {"data": [{"identifier": "p/chat", "model_type": "llm"}]}
    assert models_from_listing(listing) == Models(chat="p/chat", embedding=None)


def test_a_server_without_an_llm_cannot_run_scenarios() -> None:
    client = TargetClient(
        ClientSettings(base_url="http://127.0.0.1:9"),
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"data": []})),
    )
    with pytest.raises(HarnessError, match="lists no llm model"):
        discover_models(client)
