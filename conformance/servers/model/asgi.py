"""The Starlette app: routes, model checks and error handlers.

Answers are computed completely before the response starts, so a bad request is always a 4xx
JSON error and a stream, once started, cannot fail halfway.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from conformance.servers.model.api_errors import ApiError, error_body
from conformance.servers.model.chat_replies import chat_choices, prompt_words
from conformance.servers.model.chat_request import parse_chat_request
from conformance.servers.model.determinism import canonical_json, dumps, stable_id
from conformance.servers.model.embedding_vectors import embedding_body, parse_embedding_request
from conformance.servers.model.request_fields import parse_body
from conformance.servers.model.settings import CHAT_MODEL, CREATED, EMBEDDING_MODEL, OWNER, ModelServerConfig
from conformance.servers.model.sse_frames import chat_chunks, chat_completion, encode_events
from conformance.servers.model.text_completions import completion_body, completion_chunks, parse_completion_request

__all__ = ["create_app"]

_MODELS = (CHAT_MODEL, EMBEDDING_MODEL)


def _json(body: dict[str, Any], status: int = 200) -> Response:
    return Response(dumps(body).encode(), status_code=status, media_type="application/json")


def _stream(events: list[bytes]) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        for event in events:
            yield event

    return StreamingResponse(body(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


def _model_card(model_id: str) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": CREATED, "owned_by": OWNER}


def _check_model(model: str, serves: str, endpoint: str) -> None:
    if model not in _MODELS:
        raise ApiError(
            f"The model '{model}' does not exist or you do not have access to it.",
            param="model",
            code="model_not_found",
            status=404,
        )
    if model != serves:
        raise ApiError(
            f"The model '{model}' is not supported by {endpoint}; use '{serves}'.",
            param="model",
            code="model_not_supported",
        )


async def _list_models(request: Request) -> Response:
    return _json({"object": "list", "data": [_model_card(model) for model in _MODELS]})


async def _get_model(request: Request) -> Response:
    model_id = request.path_params["model_id"]
    if model_id not in _MODELS:
        raise ApiError(
            f"The model '{model_id}' does not exist or you do not have access to it.",
            code="model_not_found",
            status=404,
        )
    return _json(_model_card(model_id))


async def _chat_completions(request: Request) -> Response:
    fields = parse_body(await request.body())
    chat = parse_chat_request(fields)
    _check_model(chat.model, CHAT_MODEL, "/v1/chat/completions")
    key = canonical_json(fields.data)
    completion_id = stable_id("chatcmpl-", key)
    choices = chat_choices(chat, key)
    words = prompt_words(chat.messages)
    if chat.stream:
        return _stream(encode_events(chat_chunks(completion_id, chat.model, choices, words, chat.include_usage)))
    return _json(chat_completion(completion_id, chat.model, choices, words))


async def _completions(request: Request) -> Response:
    fields = parse_body(await request.body())
    completion = parse_completion_request(fields)
    _check_model(completion.model, CHAT_MODEL, "/v1/completions")
    completion_id = stable_id("cmpl-", canonical_json(fields.data))
    if completion.stream:
        return _stream(encode_events(completion_chunks(completion, completion_id)))
    return _json(completion_body(completion, completion_id))


def _embeddings_route(config: ModelServerConfig) -> Route:
    async def embeddings(request: Request) -> Response:
        embedding = parse_embedding_request(parse_body(await request.body()))
        _check_model(embedding.model, EMBEDDING_MODEL, "/v1/embeddings")
        return _json(embedding_body(embedding, config.embedding_dimension))

    return Route("/v1/embeddings", embeddings, methods=["POST"])


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _json(exc.body(), exc.status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message, code = f"Unknown request URL: {request.method} {request.url.path}.", "unknown_url"
    elif exc.status_code == 405:
        message, code = f"Method {request.method} is not allowed for {request.url.path}.", "method_not_allowed"
    else:
        message, code = str(exc.detail), None
    return _json(error_body(message, code=code), exc.status_code)


async def _too_deep(request: Request, exc: Exception) -> Response:
    """A request (or schema) nested beyond Python's recursion limit is the client's problem, not a 500."""
    return _json(error_body("The request is nested too deeply.", code="invalid_request"), 400)


async def _internal_error(request: Request, exc: Exception) -> Response:
    """A bug of ours, still answered in the OpenAI error shape so that clients report it cleanly."""
    return _json(error_body(f"internal error: {type(exc).__name__}", error_type="server_error"), 500)


def create_app(config: ModelServerConfig | None = None) -> Starlette:
    """The deterministic OpenAI-compatible backend as an ASGI app."""
    config = config or ModelServerConfig()
    routes = [
        Route("/v1/models", _list_models, methods=["GET"]),
        Route("/v1/models/{model_id:path}", _get_model, methods=["GET"]),
        Route("/v1/chat/completions", _chat_completions, methods=["POST"]),
        Route("/v1/completions", _completions, methods=["POST"]),
        _embeddings_route(config),
    ]
    return Starlette(
        routes=routes,
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            RecursionError: _too_deep,
            Exception: _internal_error,
        },
    )
