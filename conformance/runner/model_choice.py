"""The model the smoke and streaming calls use: the first LLM ``GET /v1/models`` lists.

The deterministic model server's ``<provider>/conformance-chat`` is preferred when registered.
A listing the contract does not allow (an error status, no ``data`` list) blocks every call that
needs a model: :class:`~conformance.runner.blocked.BlockedError`, a failure (exit 1). A valid listing
without any LLM is the server's configuration, not its contract: a harness error (exit 3).
"""

from __future__ import annotations

from typing import Any

from conformance.core.client import TargetClient
from conformance.core.errors import HarnessError
from conformance.core.exchange import evidence, to_curl
from conformance.core.results import Finding, Severity
from conformance.core.server_message import describe_status
from conformance.runner.blocked import BlockedError

__all__ = ["CHAT_MODEL_SUFFIX", "MODELS_CHECK", "pick_model"]

CHAT_MODEL_SUFFIX = "conformance-chat"
"""The deterministic model server's chat model; preferred when the server lists it."""
MODELS_CHECK = "models-list-usable"
"""Check id of the finding when the listing is unusable: ``GET /v1/models`` must list models in ``data``."""
_OPERATION = "GET /v1/models"


def _model_type(item: dict[str, Any]) -> Any:
    metadata = item.get("custom_metadata")
    return item.get("model_type") or (metadata.get("model_type") if isinstance(metadata, dict) else None)


def _shape(body: Any) -> str:
    if isinstance(body, dict):
        keys = ", ".join(f"'{k}'" for k in list(body)[:5])
        data = body.get("data", None)
        if "data" in body:
            return f"`data` is {type(data).__name__ if data is not None else 'null'}, not a list"
        return f"the body has keys {keys}" if keys else "the body is an empty object"
    return "the body is not a JSON object"


def _unusable(client: TargetClient, response: Any, body: Any) -> BlockedError:
    request = response.request
    status = response.status_code
    if status < 300:
        reason = f"{_OPERATION} answered without a `data` list"
        message = (
            f"HTTP {status} {response.reason_phrase} without a `data` list ({_shape(body)}); no model can be picked"
        )
    else:
        said = describe_status(status, body if body is not None else response.text, response.reason_phrase)
        reason = f"{_OPERATION} answered {said}"
        message = f"{said}; no model can be picked"
    finding = Finding(
        check_id=MODELS_CHECK,
        severity=Severity.MUST,
        operation=_OPERATION,
        message=client.redactor.text(message),
        reproduction=to_curl(request, client.redactor),
        evidence=evidence(request, response, client.redactor),
    )
    return BlockedError(client.redactor.text(reason), finding=finding)


def pick_model(client: TargetClient) -> str:
    """``*conformance-chat`` if listed, else the first LLM ``GET /v1/models`` lists.

    Both list shapes are understood: Llama Stack's (``identifier``, ``model_type``) and the OpenAI-style
    one (``id``, ``custom_metadata.model_type``).
    """
    response = client.request("GET", "/v1/models")
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    items = body.get("data") if isinstance(body, dict) else None
    if response.status_code >= 300 or not isinstance(items, list):
        raise _unusable(client, response, body)
    models = [item for item in items if isinstance(item, dict)]
    ids = [str(m.get("identifier") or m.get("id")) for m in models if _model_type(m) in ("llm", None)]
    typed = [str(m.get("identifier") or m.get("id")) for m in models if _model_type(m) == "llm"]
    candidates = typed or ids
    for model_id in candidates:
        if model_id == CHAT_MODEL_SUFFIX or model_id.endswith(f"/{CHAT_MODEL_SUFFIX}"):
            return model_id
    if not candidates:
        raise HarnessError(f"GET /v1/models lists no LLM model; register one (e.g. <provider>/{CHAT_MODEL_SUFFIX})")
    return candidates[0]
