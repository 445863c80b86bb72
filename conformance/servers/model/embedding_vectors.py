"""``POST /v1/embeddings``: unit vectors derived from sha256 of each input.

Component ``j`` of an input's vector comes from a sha256 counter stream over the input (so a
``dimensions`` request gets a prefix of the same stream, renormalised, as OpenAI's shortened
embeddings are). Values are rounded to 8 decimals after normalising, which keeps recordings short.
"""

from __future__ import annotations

import base64
import hashlib
import math
import struct
from dataclasses import dataclass
from typing import Any, Literal

from conformance.servers.model.api_errors import ApiError
from conformance.servers.model.request_fields import Fields
from conformance.servers.model.settings import MAX_EMBEDDING_DIMENSION
from conformance.servers.model.text_completions import Prompt, parse_inputs

__all__ = ["EmbeddingRequest", "embedding_body", "embedding_vector", "parse_embedding_request"]


@dataclass(frozen=True, slots=True)
class EmbeddingRequest:
    model: str
    inputs: tuple[Prompt, ...]
    dimensions: int | None
    encoding_format: Literal["float", "base64"]


def parse_embedding_request(fields: Fields) -> EmbeddingRequest:
    model = fields.required_text("model")
    inputs = parse_inputs(fields, "input")
    dimensions = fields.integer("dimensions", minimum=1, maximum=MAX_EMBEDDING_DIMENSION)
    encoding = fields.text("encoding_format") or "float"
    if encoding not in ("float", "base64"):
        raise ApiError(
            f"Invalid value for 'encoding_format': '{encoding}'. Supported values are: float, base64.",
            param="encoding_format",
            code="invalid_value",
        )
    fields.text("user")
    return EmbeddingRequest(model, inputs, dimensions, encoding)  # type: ignore[arg-type]


def embedding_vector(key: str, dimension: int) -> list[float]:
    """The unit vector of ``key`` (an input text, or ``"tokens:1,2,3"`` for a token array)."""
    raw: list[float] = []
    counter = 0
    while len(raw) < dimension:
        block = hashlib.sha256(f"{counter}:{key}".encode()).digest()
        raw += [value / 2**31 - 1.0 for (value,) in struct.iter_unpack(">I", block)]
        counter += 1
    raw = raw[:dimension]
    norm = math.sqrt(sum(v * v for v in raw)) or 1.0
    return [round(v / norm, 8) for v in raw]


def _encode(vector: list[float], encoding: str) -> list[float] | str:
    if encoding == "base64":  # little-endian float32, as OpenAI sends it
        return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")
    return vector


def embedding_body(request: EmbeddingRequest, default_dimension: int) -> dict[str, Any]:
    dimension = request.dimensions or default_dimension
    data = []
    for index, item in enumerate(request.inputs):
        key = f"tokens:{item.text}" if item.is_tokens else item.text
        data.append(
            {
                "object": "embedding",
                "index": index,
                "embedding": _encode(embedding_vector(key, dimension), request.encoding_format),
            }
        )
    tokens = sum(item.tokens for item in request.inputs)
    return {
        "object": "list",
        "data": data,
        "model": request.model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
