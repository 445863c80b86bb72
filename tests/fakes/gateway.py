"""The chat gateway of ``docs/examples/chat-gateway``: Chat Completions, a model list and a jobs API.

Conformant to the example's spec: request bodies are validated against the spec's own request
schemas (400 in the OpenAI envelope), unknown models and jobs are 404, streams end with
``[DONE]`` and carry a usage chunk when asked. ``make_gateway_app(breaks={"job-status"})`` breaks
one rule of the gateway's own API: a job's status is a value the spec's enum does not have.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from conformance.spec.operations import request_schema

__all__ = ["EXAMPLE", "GATEWAY_BREAKS", "GATEWAY_MODEL", "make_gateway_app"]

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "chat-gateway"
GATEWAY_MODEL = "gateway/small"
GATEWAY_BREAKS = frozenset({"job-status"})
_REPLY = ["Queues", " wait", " in", " line."]
_MODEL = {"id": GATEWAY_MODEL, "object": "model", "created": 1700000000, "owned_by": "gateway"}


def _error(status: int, message: str, kind: str = "invalid_request_error") -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "param": None, "code": None}}, status_code=status)


class _Gateway:
    def __init__(self, breaks: frozenset[str]) -> None:
        spec = yaml.safe_load((EXAMPLE / "openapi.yaml").read_text())
        self.breaks = breaks
        self.jobs: dict[str, dict[str, Any]] = {}
        self.validators = {
            path: jsonschema.Draft202012Validator(request_schema(spec, "POST", path) or {})
            for path in ("/v1/chat/completions", "/api/jobs/create")
        }

    async def body(self, request: Request, path: str) -> dict[str, Any] | JSONResponse:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _error(400, "the body is not JSON")
        error = next(iter(self.validators[path].iter_errors(body)), None)
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "body"
            return _error(400, f"{where}: {error.message}")
        if body["model"] != GATEWAY_MODEL:
            return _error(404, f"model {body['model']!r} not found", "not_found_error")
        return dict(body)


async def _models(request: Request) -> Response:
    return JSONResponse({"object": "list", "data": [_MODEL]})


def _chunks(model: str, include_usage: bool) -> Iterator[str]:
    common = {"id": "chatcmpl-gw1", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
    for position, piece in enumerate(_REPLY):
        delta = {"role": "assistant", "content": piece} if position == 0 else {"content": piece}
        yield json.dumps({**common, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
    yield json.dumps({**common, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    if include_usage:
        usage = {"prompt_tokens": 6, "completion_tokens": 4, "total_tokens": 10}
        yield json.dumps({**common, "choices": [], "usage": usage})
    yield "[DONE]"


async def _chat(request: Request) -> Response:
    gateway: _Gateway = request.app.state.gateway
    body = await gateway.body(request, "/v1/chat/completions")
    if isinstance(body, Response):
        return body
    if body.get("stream"):
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        events = (f"data: {chunk}\n\n" for chunk in _chunks(body["model"], include_usage))
        return StreamingResponse(events, media_type="text/event-stream")
    message = {"role": "assistant", "content": "".join(_REPLY)}
    return JSONResponse(
        {
            "id": f"chatcmpl-{secrets.token_hex(12)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 6, "completion_tokens": 4, "total_tokens": 10},
        }
    )


async def _create_job(request: Request) -> Response:
    gateway: _Gateway = request.app.state.gateway
    body = await gateway.body(request, "/api/jobs/create")
    if isinstance(body, Response):
        return body
    status = "finished" if "job-status" in gateway.breaks else "queued"
    job = {
        "id": f"job_{secrets.token_hex(12)}",
        "object": "job",
        "model": body["model"],
        "prompt": body["prompt"],
        "status": status,
        "created_at": int(time.time()),
    }
    gateway.jobs[job["id"]] = job
    return JSONResponse(job)


async def _get_job(request: Request) -> Response:
    gateway: _Gateway = request.app.state.gateway
    if request.path_params["job_id"] == "create":  # the create route's path: only POST is allowed there
        return _error(405, "method not allowed: use POST /api/jobs/create", "method_not_allowed")
    job = gateway.jobs.get(request.path_params["job_id"])
    if job is None:
        return _error(404, f"job {request.path_params['job_id']!r} not found", "not_found_error")
    return JSONResponse(job)


def make_gateway_app(breaks: Iterable[str] = ()) -> Starlette:
    chosen = frozenset(breaks)
    if unknown := chosen - GATEWAY_BREAKS:
        raise ValueError(f"the gateway cannot break {sorted(unknown)}")
    app = Starlette(
        routes=[
            Route("/v1/models", _models),
            Route("/v1/chat/completions", _chat, methods=["POST"]),
            Route("/api/jobs/create", _create_job, methods=["POST"]),
            Route("/api/jobs/{job_id}", _get_job),
        ]
    )
    app.state.gateway = _Gateway(chosen)
    return app
