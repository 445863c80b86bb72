"""The mock's view of a profile's recordings: every recorded interaction, keyed by its operation.

A request and a recording meet on the *canonical* operation: the path template of the spec
operation serving the request path, where a deprecated alias (``/v1/agents``, ``/v1/openai/v1/...``
whose operationId ends in ``_deprecated``) is replaced by the operation it stands for, so that the
0.3.0 Node SDK's ``/v1/agents/...`` requests are answered from recordings of ``/v1alpha/agents/...``.

Loading also learns, from the data alone, what the mock's state needs (the same rule as
``cassettes.bindings``: ids are values the server handed out):

* a path parameter is *stateful* when its recorded values were handed out by an earlier ``POST``
  answer of the same cassette (``response_id``, ``agent_id``; not ``model_id``);
* an interaction is a *not-found answer* when a stateful parameter of its path names an id that was
  never handed out or was deleted by then (``get-deleted``, ``get-unknown``);
* an interaction is an *invalid-body answer* when its request body breaks the spec's schema
  (``create-invalid``): the reference's envelope and status for that class of error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import httpx

from conformance.cassettes.bindings import id_like_values
from conformance.cassettes.model import Cassette, Interaction
from conformance.core.media_types import is_json
from conformance.spec.operations import Operation, iter_operations, match_operation, request_schema
from conformance.spec.schemas import validator_for

__all__ = ["Recorded", "Recordings", "Route", "json_or_none", "sse_payloads"]

_DEPRECATED_SUFFIX = "_deprecated"


def json_or_none(text: str | bytes | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def sse_payloads(text: str) -> list[Any]:
    """The decoded ``data:`` payloads of a recorded SSE body (events whose data is not JSON are skipped)."""
    out = []
    for block in re.split(r"\r?\n\r?\n", text):
        data = "\n".join(line[5:].lstrip() for line in block.splitlines() if line.startswith("data:"))
        decoded = json_or_none(data)
        if decoded is not None:
            out.append(decoded)
    return out


@dataclass(frozen=True, slots=True)
class Route:
    """A request path resolved against the spec: the canonical operation and the path's parameter values."""

    operation: Operation
    template: str
    """The canonical path template (the non-deprecated twin of an alias)."""
    params: dict[str, str]

    @property
    def key(self) -> tuple[str, str]:
        return self.operation.method, self.template


def _template_regex(template: str, spanning: bool) -> tuple[re.Pattern[str], list[str]]:
    names = re.findall(r"\{([^/]+?)\}", template)
    part = "(.+)" if spanning else "([^/]+)"
    pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", part, re.escape(template)) + "/?$"
    return re.compile(pattern), names


@dataclass(frozen=True)
class Recorded:
    """One recorded interaction, placed on its canonical operation."""

    cassette: str
    index: int
    interaction: Interaction
    route: Route | None
    body: Any
    """The request body as JSON (``None`` when it had none or it is not JSON)."""
    query: dict[str, str]
    created: frozenset[str]
    """Id-like values this answer handed out: in the response, not in any earlier request or answer."""
    not_found: bool = False
    invalid_body: bool = False

    @property
    def label(self) -> str:
        """``agents-lifecycle/get-turn``: the cassette and the step."""
        return f"{self.cassette}/{self.interaction.step}"

    @property
    def method(self) -> str:
        return self.interaction.request.method

    @property
    def status(self) -> int:
        return self.interaction.response.status

    @cached_property
    def answer_json(self) -> Any:
        response = self.interaction.response
        if response.is_stream:
            return {"events": sse_payloads(response.body)}
        return json_or_none(response.body) if is_json(response.content_type) else None


@dataclass
class Recordings:
    """Every interaction of a profile's cassettes, with what the mock learned from them."""

    spec: Mapping[str, Any]
    entries: list[Recorded] = field(default_factory=list)
    stateful: set[str] = field(default_factory=set)
    """Path parameter names whose values a ``POST`` hands out."""
    models: set[str] = field(default_factory=set)
    _validators: dict[str, Any] = field(default_factory=dict)
    implied: dict[tuple[str, str], Any] = field(default_factory=dict)
    """Answers the cassettes imply without recording them: the server's version (``conformance.server_version``)
    and its health, which every client probes first."""
    _canonical: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, spec: Mapping[str, Any], cassettes: Sequence[Cassette]) -> Recordings:
        recordings = cls(spec)
        by_id = {op.operation_id: op for op in iter_operations(spec) if op.operation_id}
        for op in iter_operations(spec):
            name = op.operation_id or ""
            twin = by_id.get(name.removesuffix(_DEPRECATED_SUFFIX)) if name.endswith(_DEPRECATED_SUFFIX) else None
            if twin is not None and twin.method == op.method:
                recordings._canonical[op.label] = twin.path
        for cassette in cassettes:
            recordings._add(cassette)
        return recordings

    def route(self, method: str, path: str) -> Route | None:
        """The canonical operation serving ``method path``, or ``None`` when the spec has none."""
        operation = match_operation(self.spec, method, path)
        if operation is None:
            return None
        values: list[str] = []
        names: list[str] = []
        for spanning in (False, True):
            pattern, names = _template_regex(operation.path, spanning)
            found = pattern.match(path)
            if found:
                values = list(found.groups())
                break
        template = self._canonical.get(operation.label, operation.path)
        return Route(operation, template, dict(zip(names, values, strict=False)))

    def _add(self, cassette: Cassette) -> None:
        self.models.update(cassette.meta.models.values())
        if cassette.meta.server_version:
            self.implied[("GET", "/v1/version")] = {"version": cassette.meta.server_version}
            self.implied[("GET", "/v1/health")] = {"status": "OK"}
        handed_out: set[str] = set()
        seen_text = ""
        live: set[str] = set()
        dead: set[str] = set()
        for index, interaction in enumerate(cassette.interactions):
            request, response = interaction.request, interaction.response
            url = httpx.URL(request.uri)
            route = self.route(request.method, url.path)
            body = json_or_none(request.body)
            seen_text += f"\n{request.target}\n{request.body or ''}"
            entry = Recorded(cassette.name, index, interaction, route, body, dict(url.params), frozenset())
            answer = entry.answer_json
            # A handed-out id has a digit: ``turn_complete`` is id-shaped but is a word.
            created = frozenset(
                v
                for _p, v in id_like_values(answer)
                if v not in seen_text and v not in handed_out and any(c.isdigit() for c in v)
            )
            not_found = False
            if route is not None:
                for name, value in route.params.items():
                    if value in handed_out:
                        self.stateful.add(name)
                    if name in self.stateful and (value not in live or value in dead):
                        not_found = True
            invalid = route is not None and body is not None and self._breaks_schema(route, body)
            if request.method == "POST" and response.status < 300:
                handed_out |= created
                live |= created
            if request.method == "DELETE" and response.status < 300 and route is not None and route.params:
                dead.add(list(route.params.values())[-1])
            if route is not None and route.template == "/v1/models" and isinstance(answer, Mapping):
                for model in answer.get("data") or []:
                    if isinstance(model, Mapping):
                        self.models.update(str(model[k]) for k in ("id", "identifier") if k in model)
            seen_text += "\n" + response.body
            self.entries.append(
                Recorded(
                    cassette.name,
                    index,
                    interaction,
                    route,
                    body,
                    dict(url.params),
                    created if request.method == "POST" else frozenset(),
                    not_found=not_found and response.status >= 400,
                    invalid_body=invalid and response.status >= 400,
                )
            )

    def _breaks_schema(self, route: Route, body: Any) -> bool:
        return bool(self.body_errors(route, body))

    def body_errors(self, route: Route, body: Any) -> list[tuple[list[str | int], str, str]]:
        """Where and how ``body`` breaks the operation's request schema: ``(location, message, kind)``."""
        label = route.operation.label
        if label not in self._validators:
            try:
                schema = request_schema(self.spec, route.operation.method, route.operation.path)
            except KeyError:
                schema = None
            self._validators[label] = validator_for(schema) if schema is not None else None
        validator = self._validators[label]
        if validator is None:
            return []
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        return [(["body", *e.absolute_path], e.message, str(e.validator)) for e in errors]

    def for_route(self, route: Route) -> list[Recorded]:
        return [e for e in self.entries if e.route is not None and e.route.key == route.key]
