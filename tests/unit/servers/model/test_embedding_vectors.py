"""Embeddings: configured or requested dimension, unit length, determinism, token inputs, base64, errors."""

from __future__ import annotations

import base64
import math
import struct
from typing import Any

import pytest

from conformance.servers.model import CHAT_MODEL, EMBEDDING_MODEL, ModelServerConfig
from conformance.servers.model.embedding_vectors import embedding_vector
from tests.unit.servers.model.model_server_support import Api


def _embed(api: Api, **fields: Any) -> dict[str, Any]:
    response = api.post("/v1/embeddings", {"model": EMBEDDING_MODEL, **fields})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("dimension", [1, 8, 384])
def test_vectors_have_the_configured_dimension_and_unit_length(dimension: int) -> None:
    body = _embed(Api(ModelServerConfig(embedding_dimension=dimension)), input=["hello world", "bye"])
    assert body["object"] == "list"
    assert body["model"] == EMBEDDING_MODEL
    assert [item["index"] for item in body["data"]] == [0, 1]
    for item in body["data"]:
        assert item["object"] == "embedding"
        assert len(item["embedding"]) == dimension
        assert math.isclose(math.sqrt(sum(v * v for v in item["embedding"])), 1.0, abs_tol=1e-6)
    assert body["usage"] == {"prompt_tokens": 3, "total_tokens": 3}


def test_the_same_text_gives_the_same_vector_and_another_text_another(api: Api) -> None:
    one = _embed(api, input="hello")["data"][0]["embedding"]
    again = _embed(api, input=["other", "hello"])["data"][1]["embedding"]
    other = _embed(api, input="hellO")["data"][0]["embedding"]
    assert one == again
    assert one != other


def test_dimensions_gives_a_renormalised_prefix_of_the_long_vector(api: Api) -> None:
    short = _embed(api, input="hello", dimensions=3)["data"][0]["embedding"]
    long = embedding_vector("hello", 64)
    assert len(short) == 3
    norm = math.sqrt(sum(v * v for v in long[:3]))
    assert short == pytest.approx([v / norm for v in long[:3]], abs=1e-7)


def test_token_arrays_are_embedded_and_counted(api: Api) -> None:
    body = _embed(api, input=[[1, 2, 3], [4]])
    assert len(body["data"]) == 2
    assert body["usage"]["prompt_tokens"] == 4
    assert _embed(api, input=[1, 2, 3])["data"][0]["embedding"] == body["data"][0]["embedding"]


def test_base64_is_little_endian_float32_of_the_float_vector(api: Api) -> None:
    floats = _embed(api, input="hello")["data"][0]["embedding"]
    encoded = _embed(api, input="hello", encoding_format="base64")["data"][0]["embedding"]
    decoded = struct.unpack(f"<{len(floats)}f", base64.b64decode(encoded))
    assert list(decoded) == pytest.approx(floats, abs=1e-6)


@pytest.mark.parametrize(
    ("fields", "status", "param"),
    [
        ({"input": "x"}, 400, "model"),
        ({"model": EMBEDDING_MODEL}, 400, "input"),
        ({"model": EMBEDDING_MODEL, "input": []}, 400, "input"),
        ({"model": EMBEDDING_MODEL, "input": [1, "a"]}, 400, "input"),
        ({"model": EMBEDDING_MODEL, "input": [[]]}, 400, "input"),
        ({"model": EMBEDDING_MODEL, "input": {"text": "x"}}, 400, "input"),
        ({"model": EMBEDDING_MODEL, "input": "x", "dimensions": 0}, 400, "dimensions"),
        ({"model": EMBEDDING_MODEL, "input": "x", "dimensions": "8"}, 400, "dimensions"),
        ({"model": EMBEDDING_MODEL, "input": "x", "encoding_format": "int8"}, 400, "encoding_format"),
        ({"model": CHAT_MODEL, "input": "x"}, 400, "model"),
        ({"model": "text-embedding-3-small", "input": "x"}, 404, "model"),
    ],
)
def test_malformed_embedding_requests(api: Api, fields: dict[str, Any], status: int, param: str) -> None:
    response = api.post("/v1/embeddings", fields)
    assert response.status_code == status
    assert response.json()["error"]["param"] == param


def test_config_rejects_a_bad_dimension() -> None:
    with pytest.raises(ValueError, match="between 1 and"):
        ModelServerConfig(embedding_dimension=0)
    with pytest.raises(TypeError):
        ModelServerConfig(embedding_dimension="8")  # type: ignore[arg-type]
