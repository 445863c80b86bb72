"""A small in-process Responses API (Starlette) for scenario, record and replay tests.

It hands out fresh random ids on every call (so a replay only works through id binding) and
can be *altered* in exactly one way at a time, so that a test can state the differences a replay
must report: a field removed, a field added, a type or enum value changed, a status code
changed, an event dropped or two events swapped.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

__all__ = ["CHAT_MODEL", "EMBED_MODEL", "Alterations", "make_app"]

CHAT_MODEL = "fake/chat"
EMBED_MODEL = "fake/embed"


@dataclass(frozen=True)
class Alterations:
    drop_field: str | None = None
    """Remove this key from every response object (also inside stream events and lists)."""
    add_field: str | None = None
    """Add this key (value ``"new"``) to every response object."""
    created_at_as_string: bool = False
    status_value: str | None = None
    """Replace ``status: completed`` with this value."""
    not_found_status: int = 404
    drop_event: str | None = None
    swap_events: tuple[str, str] | None = None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " ".join(
            str(item.get("output") or item.get("content") or "") for item in value if isinstance(item, dict)
        )
    return ""


class _State:
    def __init__(self, alter: Alterations) -> None:
        self.alter = alter
        self.responses: dict[str, tuple[int, dict[str, Any], list[dict[str, Any]]]] = {}
        self.counter = itertools.count()
        self.seen: list[str] = []
        """Every request as ``METHOD path?query body``: what a replay really sent."""

    def shape(self, obj: dict[str, Any]) -> dict[str, Any]:
        out = dict(obj)
        if self.alter.drop_field:
            out.pop(self.alter.drop_field, None)
        if self.alter.add_field:
            out[self.alter.add_field] = "new"
        if self.alter.created_at_as_string:
            out["created_at"] = str(out["created_at"])
        if self.alter.status_value and out.get("status") == "completed":
            out["status"] = self.alter.status_value
        return out

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        text = _text(body.get("input"))
        response_id = f"resp_{uuid.uuid4()}"
        obj = {
            "id": response_id,
            "object": "response",
            "created_at": int(time.time()),
            "model": body.get("model"),
            "status": "completed",
            "previous_response_id": body.get("previous_response_id"),
            "output": [
                {
                    "type": "message",
                    "id": f"msg_{uuid.uuid4()}",
                    "role": "assistant",
                    "status": "completed",
                    "content": [{"type": "output_text", "text": f"Echo: {text}", "annotations": []}],
                }
            ],
            "usage": {"input_tokens": len(text.split()), "output_tokens": len(text.split()) + 1},
        }
        items = [{"type": "message", "role": "user", "id": f"msg_{uuid.uuid4()}", "content": text}]
        self.responses[response_id] = (next(self.counter), obj, items)
        return obj


def make_app(alter: Alterations | None = None) -> Starlette:
    state = _State(alter or Alterations())

    def not_found(response_id: str) -> JSONResponse:
        return JSONResponse(
            {"detail": f"Response {response_id!r} not found."}, status_code=state.alter.not_found_status
        )

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "OK"})

    async def version(_: Request) -> Response:
        return JSONResponse({"version": "1.5.0"})

    async def models(_: Request) -> Response:
        data = [
            {"id": EMBED_MODEL, "object": "model", "custom_metadata": {"model_type": "embedding"}},
            {"id": CHAT_MODEL, "object": "model", "custom_metadata": {"model_type": "llm"}},
        ]
        return JSONResponse({"object": "list", "data": data})

    def events(obj: dict[str, Any]) -> Iterator[str]:
        item = obj["output"][0]
        text = item["content"][0]["text"]
        sequence = [
            ("response.created", {"response": state.shape({**obj, "status": "in_progress", "output": []})}),
            *(("response.output_text.delta", {"item_id": item["id"], "delta": w}) for w in text.split(" ")),
            ("response.output_text.done", {"item_id": item["id"], "text": text}),
            ("response.completed", {"response": state.shape(obj)}),
        ]
        if state.alter.drop_event:
            sequence = [e for e in sequence if e[0] != state.alter.drop_event]
        if state.alter.swap_events:
            first, second = state.alter.swap_events
            names = [e[0] for e in sequence]
            i, j = names.index(first), names.index(second)
            sequence[i], sequence[j] = sequence[j], sequence[i]
        for n, (kind, payload) in enumerate(sequence):
            yield f"data: {json.dumps({**payload, 'sequence_number': n, 'type': kind})}\n\n"

    async def create(request: Request) -> Response:
        body = await request.json()
        if not isinstance(body.get("input"), str | list) or not body.get("model"):
            return JSONResponse({"error": {"message": "input and model are required"}}, status_code=400)
        previous = body.get("previous_response_id")
        if previous is not None and previous not in state.responses:
            return JSONResponse({"error": {"message": f"unknown previous_response_id {previous}"}}, status_code=400)
        obj = state.create(body)
        if tenant := request.headers.get("x-tenant"):
            obj["metadata"] = {"tenant": tenant}  # echoes a header value: redaction must catch it
        if body.get("stream"):
            return StreamingResponse(events(obj), media_type="text/event-stream")
        return JSONResponse(state.shape(obj))

    async def listing(request: Request) -> Response:
        limit = int(request.query_params.get("limit", 20))
        after = request.query_params.get("after")
        ordered = [v for _, v in sorted(((n, o) for n, o, _ in state.responses.values()), key=lambda p: -p[0])]
        if after:
            ids = [o["id"] for o in ordered]
            ordered = ordered[ids.index(after) + 1 :] if after in ids else []
        page = ordered[:limit]
        return JSONResponse(
            {"object": "list", "data": [state.shape(o) for o in page], "has_more": len(ordered) > limit}
        )

    async def one(request: Request) -> Response:
        response_id = request.path_params["response_id"]
        if response_id not in state.responses:
            return not_found(response_id)
        if request.method == "DELETE":
            del state.responses[response_id]
            return JSONResponse({"id": response_id, "object": "response", "deleted": True})
        return JSONResponse(state.shape(state.responses[response_id][1]))

    async def input_items(request: Request) -> Response:
        response_id = request.path_params["response_id"]
        if response_id not in state.responses:
            return not_found(response_id)
        return JSONResponse({"object": "list", "data": state.responses[response_id][2]})

    async def log(request: Request, call_next: Any) -> Response:
        body = (await request.body()).decode()
        state.seen.append(f"{request.method} {request.url.path}?{request.url.query} {body}")
        response: Response = await call_next(request)
        return response

    app = Starlette(
        routes=[
            Route("/v1/health", health),
            Route("/v1/version", version),
            Route("/v1/models", models),
            Route("/v1/responses", create, methods=["POST"]),
            Route("/v1/responses", listing, methods=["GET"]),
            Route("/v1/responses/{response_id}", one, methods=["GET", "DELETE"]),
            Route("/v1/responses/{response_id}/input_items", input_items),
        ],
        middleware=[Middleware(BaseHTTPMiddleware, dispatch=log)],
    )
    app.state.fake = state
    return app
