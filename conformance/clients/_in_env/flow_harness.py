"""What every Python flow script shares: its settings, how a flow is run and what it prints.

This file imports nothing of ours (it runs in an SDK's environment, beside the flow script that
imports it; Python puts the script's folder on ``sys.path``). A flow script defines its flows and calls
:func:`main`::

    python <sdk>_flows.py < SETTINGS_JSON

The settings (on stdin, so the API key is not in the process list) are ``{"base_url", "api_key",
"headers", "timeout_s", "chat_model", "embedding_model", "flows": [...]}``; ``base_url`` ends in
``/v1``. Each flow runs with the real SDK, as an application would call it; every exception and every
warning raised while it runs is caught. One JSON line goes to stdout for the SDK, then one per flow::

    {"sdk": "openai", "version": "3.57.0"}
    {"flow": "chat.create", "outcome": "pass"|"fail"|"skip", "error_type": ..., "message": ...,
     "where": ..., "warnings": [...], "duration_s": ..., "raised": ..., "status": ...}

An **error flow** (its name starts with ``errors.``) provokes a situation the server must refuse (an
unknown id, an invalid body) and is expected to raise: what it raised goes to ``raised`` (the exception
class's name) and ``status`` (the HTTP status the SDK saw), with outcome ``pass``; the suite judges it
against the class the situation calls for. An error flow that does not raise reports ``raised: null``.

Each flow's requests carry the header ``X-Conformance-Tag: <flow>`` so that the recording proxy in
front of the server can tell whose traffic it saw (the proxy does not forward it).
"""

from __future__ import annotations

import json
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from typing import Any

TAG_HEADER = "X-Conformance-Tag"
ERROR_FLOW_PREFIX = "errors."
PROMPT = "Say hello to the conformance suite."
TOOL_NAME = "get_weather"
TOOL_PROMPT = f"Call {TOOL_NAME}: what is the weather like in Paris?"
UNKNOWN_MODEL = "conformance-no-such-model"
WEATHER_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
    "additionalProperties": False,
}


class Skip(Exception):  # noqa: N818 - a flow's way of saying it could not be run, not an error
    """The flow cannot run here (no embedding model, a setup step failed); the message says why."""


class Settings:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.base_url: str = raw["base_url"]
        self.given_api_key: str | None = raw.get("api_key") or None
        self.api_key: str = self.given_api_key or "conformance"
        self.headers: dict[str, str] = dict(raw.get("headers") or {})
        self.timeout_s: float = float(raw.get("timeout_s") or 60)
        self.chat_model: str = raw["chat_model"]
        self.embedding_model: str | None = raw.get("embedding_model")
        self.flows: list[str] = list(raw["flows"])

    @property
    def root_url(self) -> str:
        """The base URL without its ``/v1`` (for SDKs whose paths carry the version)."""
        return self.base_url.removesuffix("/").removesuffix("/v1")

    def needs_api_key(self) -> None:
        """Auth situations are provoked only when the user gave ``--api-key`` (else the server's auth is unknown)."""
        if self.given_api_key is None:
            raise Skip("no --api-key was given, so the server's authentication is not known")


Flow = Callable[[Any, Settings], None]
MakeClient = Callable[[Settings, str], Any]


def expect(condition: bool, message: str) -> None:
    """What the application relies on after the SDK returned (an ``AssertionError`` is the finding)."""
    if not condition:
        raise AssertionError(message)


def setup(what: str, make: Callable[[], Any]) -> Any:
    """A step the flow needs but does not judge (its own case does): a failure skips the flow."""
    try:
        return make()
    except Exception as exc:
        raise Skip(f"setup step {what} failed ({type(exc).__name__}: {exc}); its own case judges it") from None


def _where(exc: BaseException) -> str:
    """The SDK's own source line that raised (an ``assert`` has no message of its own)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f"{last.filename.rsplit('site-packages/', 1)[-1]}:{last.lineno}: {(last.line or '').strip()}"


def _type_name(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}".removeprefix("builtins.")


def _status_of(exc: BaseException) -> int | None:
    for attribute in ("status_code", "status"):
        value = getattr(exc, attribute, None)
        if isinstance(value, int):
            return value
    return None


def run_flow(name: str, flow: Flow, make_client: MakeClient, settings: Settings) -> dict[str, Any]:
    outcome: dict[str, Any] = {"flow": name, "outcome": "pass", "error_type": None, "message": None, "where": None}
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            flow(make_client(settings, name), settings)
            if name.startswith(ERROR_FLOW_PREFIX):
                outcome |= {"raised": None, "status": None}
        except Skip as skip:
            outcome |= {"outcome": "skip", "message": str(skip)}
        except Exception as exc:
            if name.startswith(ERROR_FLOW_PREFIX):
                outcome |= {"raised": type(exc).__name__, "status": _status_of(exc), "message": str(exc)}
            else:
                outcome |= {"outcome": "fail", "error_type": _type_name(exc), "message": str(exc), "where": _where(exc)}
    outcome["warnings"] = [f"{w.category.__name__}: {w.message}" for w in caught]
    outcome["duration_s"] = round(time.perf_counter() - started, 4)
    return outcome


def main(sdk: str, version: str, flows: dict[str, Flow], make_client: MakeClient) -> int:
    """Read the settings, print the SDK line and one line per asked-for flow; 2 for an unknown flow."""
    settings = Settings(json.loads(sys.stdin.read()))
    unknown = [name for name in settings.flows if name not in flows]
    if unknown:
        print(f"unknown flows: {', '.join(unknown)}", file=sys.stderr)
        return 2
    print(json.dumps({"sdk": sdk, "version": version}), flush=True)
    for name in settings.flows:
        print(json.dumps(run_flow(name, flows[name], make_client, settings)), flush=True)
    return 0
