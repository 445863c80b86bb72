"""A server that implements only Chat Completions and the model list, the way vLLM, a LiteLLM proxy
or Ollama do: the conformant fake's chat completions, an OpenAI-style ``GET /v1/models``, 404 for
everything else, and a log of every request it got."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.fakes.server import CHAT_MODEL, make_app

__all__ = ["CHAT_ONLY_PREFIXES", "make_chat_only_app"]

CHAT_ONLY_PREFIXES = ("/v1/chat/completions", "/v1/models")
_MODEL = {"id": CHAT_MODEL, "object": "model", "created": 1700000000, "owned_by": "fake"}


async def _models(request: Request) -> JSONResponse:
    return JSONResponse({"object": "list", "data": [_MODEL]})


async def _model(request: Request) -> JSONResponse:
    if request.path_params["model_id"] == CHAT_MODEL:
        return JSONResponse(_MODEL)
    # The same error envelope as the chat completion handlers (one envelope per server).
    return JSONResponse({"detail": f"Model '{request.path_params['model_id']}' not found"}, status_code=404)


class _Logged:
    def __init__(self, app: ASGIApp, seen: list[str]) -> None:
        self.app, self.seen = app, seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.append(f"{scope['method']} {scope['path']}")
        await self.app(scope, receive, send)


def make_chat_only_app(seen: list[str], breaks: Iterable[str] = ()) -> ASGIApp:
    """Chat completions as :func:`make_app` serves them (with ``breaks``), the model list, nothing else;
    ``seen`` gets ``'METHOD /path'`` of every request, answered or not."""
    full = make_app(breaks)
    chat = [r for r in full.routes if isinstance(r, Route) and r.path.startswith("/v1/chat/completions")]
    app = Starlette(routes=[*chat, Route("/v1/models", _models), Route("/v1/models/{model_id:path}", _model)])
    app.state.fake = full.state.fake  # the chat handlers read the rules to break from the app's state
    return _Logged(app, seen)
