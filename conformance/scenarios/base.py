"""What a scenario is and what it gets to work with.

A scenario is a named multi-step flow over the HTTP API, written the way a client would write it:
create something, use the id the server returned, read it back, delete it. Every exchange goes
through :meth:`ScenarioContext.call`, which sends it with the client's one path
(:meth:`~conformance.core.client.TargetClient.exchange`), keeps it under its step name
(:attr:`ScenarioContext.exchanges`) and hands it to the context's hook (the recorder): no global
patching of httpx, so recording is explicit and testable. The check suites run their requests as
named steps too, and judge the exchanges they produce.

Scenarios do not judge answers (replay does); they only insist on what the next step needs,
and a missing prerequisite is a :class:`ScenarioError` (the flow cannot go on), not a finding.
"""

from __future__ import annotations

import json as json_module
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.core.client import TargetClient
from conformance.core.errors import HarnessError
from conformance.core.http_exchange import Exchange
from conformance.core.profiles import PROFILES
from conformance.core.settle import Settle, send_until
from conformance.core.sse import SSELimits
from conformance.core.websocket import Socket
from conformance.spec.features import parse_need, profile_has

__all__ = [
    "AGENT_PROFILES",
    "ALL_PROFILES",
    "ExchangeHook",
    "Models",
    "Scenario",
    "ScenarioContext",
    "ScenarioError",
    "scenario",
]

ALL_PROFILES = frozenset(PROFILES)
AGENT_PROFILES = frozenset(p.id for p in PROFILES.values() if p.has_agents)

MULTIPART_BOUNDARY = "conformance-boundary-7d1f0c"
"""Fixed so that recorded upload bodies do not change on every recording."""


class ScenarioError(HarnessError):
    """A step did not return what the next step needs, so the flow cannot be completed."""


ExchangeHook = Callable[[Exchange], None]


@dataclass(frozen=True, slots=True)
class Models:
    """The model ids a scenario uses, discovered from the server before any scenario runs."""

    chat: str
    embedding: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("chat", self.chat), ("embedding", self.embedding)) if v}


def _dig(value: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        if isinstance(part, int) and isinstance(value, list) and -len(value) <= part < len(value):
            value = value[part]
        elif isinstance(part, str) and isinstance(value, Mapping):
            value = value.get(part)
        else:
            return None
    return value


class ScenarioContext:
    """The client, the models and the recording hook one scenario runs with."""

    def __init__(
        self,
        client: TargetClient,
        models: Models,
        *,
        scenario_id: str = "",
        hook: ExchangeHook | None = None,
        limits: SSELimits | None = None,
    ) -> None:
        self.client = client
        self.models = models
        self.scenario_id = scenario_id
        self.hook = hook
        self.limits = limits
        self.steps: list[str] = []
        self.exchanges: dict[str, Exchange] = {}
        """Every answered step's exchange by its step name, in order."""
        self.pauses: dict[str, float] = {}
        """Step -> seconds waited before it; recorded so that a replay waits there too."""
        self.settles: dict[str, Settle] = {}
        """Step -> the rule it was sent again by until its answer settled; recorded so a replay polls too."""
        self._pending_pause = 0.0

    def call(
        self,
        step: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        data: Mapping[str, str] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
        settle: Settle | None = None,
    ) -> Exchange:
        """Send one request, read the whole answer (incrementally for a stream) and record it.

        With ``settle`` the request is sent again until its answer settles (:func:`send_until`); only the
        settled answer is recorded, with the rule, so that a replay polls the same way."""
        if step in self.steps:
            raise ValueError(f"scenario {self.scenario_id}: step name {step!r} is used twice")
        self.steps.append(step)
        if self._pending_pause:
            self.pauses[step], self._pending_pause = self._pending_pause, 0.0
        if files:
            headers = {**(headers or {}), "Content-Type": f"multipart/form-data; boundary={MULTIPART_BOUNDARY}"}

        def send() -> Exchange:
            request = self.client.build(
                method, path, json=json, params=params, files=files, data=data, content=content, headers=headers
            )
            request.read()  # a multipart body is a stream until read; the recorder needs its bytes
            return self.client.exchange(request, stream=stream, limits=self.limits, step=step)

        if settle is not None:
            self.settles[step] = settle
        exchange = send() if settle is None else send_until(send, settle)
        self.exchanges[step] = exchange
        if self.hook is not None:
            self.hook(exchange)
        return exchange

    def open_socket(self, step: str, path: str) -> Socket | Exchange:
        """Open a WebSocket to ``path``; the refused upgrade, as step ``step``, when the server serves none.

        Socket turns (:meth:`socket_turn`) are kept by step name like requests but not handed to the
        hook: a cassette holds HTTP exchanges only."""
        self._claim(step)
        opened = self.client.open_socket(path, step=step)
        if isinstance(opened, Exchange):
            self.exchanges[step] = opened
        return opened

    def socket_turn(
        self, step: str, socket: Socket, message: Mapping[str, Any], *, ends: Callable[[Any], bool]
    ) -> Exchange:
        """Send ``message`` (as JSON) on ``socket`` and read its answer until ``ends`` (see :meth:`Socket.turn`)."""
        self._claim(step)
        exchange = socket.turn(json_module.dumps(dict(message)), ends=ends, limits=self.limits, step=step)
        self.exchanges[step] = exchange
        return exchange

    def _claim(self, step: str) -> None:
        if step in self.steps:
            raise ValueError(f"scenario {self.scenario_id}: step name {step!r} is used twice")
        self.steps.append(step)

    def pause(self, seconds: float) -> None:
        """Wait before the next step (e.g. so two objects do not share a created_at second).

        The wait is part of the flow: it is written to the cassette and a replay waits too.
        """
        time.sleep(seconds)
        self._pending_pause += seconds

    def require(self, source: Exchange | Any, *path: str | int) -> Any:
        """The value at ``path`` in an exchange's JSON answer (or in a plain value), else a :class:`ScenarioError`."""
        value = _dig(source.json_or_none() if isinstance(source, Exchange) else source, path)
        if value is None:
            shown = "/".join(str(p) for p in path)
            step = self.steps[-1] if self.steps else "-"
            answered = (
                f" ({source.request.method} {source.request.url.path} answered {source.status})"
                if isinstance(source, Exchange)
                else ""
            )
            raise ScenarioError(
                f"scenario {self.scenario_id}, step {step}: no {shown!r} in the answer{answered}; the flow cannot go on"
            )
        return value

    def find_event(self, exchange: Exchange, predicate: Callable[[Any], bool]) -> Any:
        """The first stream payload matching ``predicate``, or a :class:`ScenarioError`."""
        found = next((e for e in exchange.events() if predicate(e)), None)
        if found is None:
            raise ScenarioError(
                f"scenario {self.scenario_id}, step {exchange.step}: the stream has no event the next step needs"
            )
        return found


@dataclass(frozen=True, slots=True)
class Scenario:
    """One registered flow: a stable id (the cassette's file name), the profiles it applies to."""

    id: str
    title: str
    api: str
    """The API group the flow is about (``Profile.api_of`` of the operations it calls: ``chat``, ``responses``)."""
    profiles: frozenset[str]
    run: Callable[[ScenarioContext], None] = field(repr=False)
    expects_errors: bool = False
    """The flow is about failures (unknown ids, invalid bodies, an operation the server does not
    implement): its recordings may hold 5xx answers and failed or empty results. Every other
    recording holding one is a broken reference setup (tests/unit/cassettes/test_recordings_sanity.py)."""

    uses: tuple[str, ...] = ()
    """Other API groups it calls (a response bound to a conversation creates the conversation)."""

    needs: tuple[str, ...] = ()
    """What the profile's spec must have for the flow to apply to it: operations, request fields,
    literal values (``conformance.spec.features``). Which profile gets the flow is read from its spec."""

    def applies_to(self, profile_id: str) -> bool:
        if profile_id not in self.profiles:
            return False
        return all(profile_has(profile_id, need) for need in self.needs)

    @property
    def apis(self) -> frozenset[str]:
        """Every API group the flow calls: ``--api`` records it only when all of them are selected."""
        return frozenset({self.api, *self.uses})


def scenario(
    bucket: list[Scenario],
    scenario_id: str,
    title: str,
    *,
    api: str,
    profiles: frozenset[str] = ALL_PROFILES,
    expects_errors: bool = False,
    uses: tuple[str, ...] = (),
    needs: tuple[str, ...] = (),
) -> Callable[[Callable[[ScenarioContext], None]], Callable[[ScenarioContext], None]]:
    """Decorator: define a scenario and append it to its module's ``bucket`` (the registry reads those)."""

    def define(run: Callable[[ScenarioContext], None]) -> Callable[[ScenarioContext], None]:
        for need in needs:
            parse_need(need)  # a malformed need is a programming error, found at import
        bucket.append(Scenario(scenario_id, title, api, profiles, run, expects_errors, uses, needs))
        return run

    return define
