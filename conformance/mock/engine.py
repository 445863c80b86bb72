"""From a request to the recorded answer the mock gives, with ids bound and state kept.

The order of questions is the reference's: an unknown route is 404; a body the spec rejects gets
the reference's invalid-body answer; a model the recordings never listed gets its unknown-model
answer; a path naming an id this session never handed out (or deleted) gets its not-found answer;
everything else gets the closest recorded interaction of the same operation. A request no recorded
interaction can answer gets 501 naming the nearest recorded ones.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from conformance.cassettes.bindings import Bindings, id_like_values
from conformance.core.media_types import JSON_MEDIA_TYPE
from conformance.mock.matching import best_match, nearest
from conformance.mock.recordings import Recorded, Recordings, Route, json_or_none, sse_payloads
from conformance.mock.state import MockState

__all__ = ["UNKNOWN_ROUTE_BODY", "Answer", "AnswerKind", "Engine"]

UNKNOWN_ROUTE_BODY = '{"detail":"Not Found"}'
"""What every reference (each a FastAPI app) answers, with 404, for a path no route serves."""

AnswerKind = Literal[
    "recorded", "stored", "implied", "invalid-body", "unknown-model", "not-found", "unknown-route", "unmatched"
]


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    content_type: str
    body: str
    kind: AnswerKind
    matched: str | None = None
    """The recorded interaction answered from (``cassette/step``)."""
    stream: bool = False


def _json_answer(status: int, body: Any, kind: AnswerKind) -> Answer:
    return Answer(status, JSON_MEDIA_TYPE, json.dumps(body), kind)


class Engine:
    """Answers requests from a profile's recordings; one per mock server (its state is the session)."""

    def __init__(self, recordings: Recordings) -> None:
        self.recordings = recordings
        self.state = MockState()

    def answer(self, method: str, path: str, query: Mapping[str, str], body_text: bytes, is_json: bool) -> Answer:
        route = self.recordings.route(method, path)
        if route is None:
            return Answer(404, JSON_MEDIA_TYPE, UNKNOWN_ROUTE_BODY, "unknown-route")
        body = json_or_none(body_text) if is_json else None
        with self.state.lock:
            return self._answer(route, query, body, body_text, is_json)

    def _answer(self, route: Route, query: Mapping[str, str], body: Any, body_text: bytes, is_json: bool) -> Answer:
        if is_json and body_text.strip() and body is None:
            return self._invalid_body(route, [(["body"], "Request body is not valid JSON", "json_invalid")])
        if body is not None:
            errors = self.recordings.body_errors(route, body)
            if errors:
                return self._invalid_body(route, errors)
        model = body.get("model") if isinstance(body, Mapping) else None
        if isinstance(model, str) and self.recordings.models and model not in self.recordings.models:
            answer = self._unknown_model(model)
            if answer is not None:
                return answer
        for name, value in route.params.items():
            if name in self.recordings.stateful and not self.state.alive(value):
                return self._not_found(route, name, value)
        candidates = [e for e in self.recordings.for_route(route) if not e.not_found and not e.invalid_body]
        if not candidates and route.key in self.recordings.implied:
            return _json_answer(200, self.recordings.implied[route.key], "implied")
        named = [*route.params.values(), *(v for _p, v in id_like_values(body))]
        chosen = best_match(candidates, body, query, self.state.lineage(named))
        if chosen is None:
            return self._unmatched(route, body)
        return self._replay(route, query, body, chosen)

    # ------------------------------------------------------------------ the recorded answer, rebound

    def _replay(self, route: Route, query: Mapping[str, str], body: Any, chosen: Recorded) -> Answer:
        mapping: dict[str, str] = {}
        recorded_params = chosen.route.params if chosen.route else {}
        for name, value in route.params.items():
            if name in recorded_params:
                mapping[recorded_params[name]] = value
        request_ids = dict(id_like_values(body))
        for where, value in id_like_values(chosen.body):
            if isinstance(request_ids.get(where), str):
                mapping.setdefault(value, request_ids[where])
        if isinstance(chosen.body, Mapping) and isinstance(body, Mapping):
            recorded_model, model = chosen.body.get("model"), body.get("model")
            if isinstance(recorded_model, str) and isinstance(model, str):
                mapping.setdefault(recorded_model, model)
        handed_out = []
        for recorded in sorted(chosen.created):
            if recorded not in mapping:
                mapping[recorded] = self.state.hand_out(chosen.cassette, recorded)
                handed_out.append(mapping[recorded])
        # Ids the recorded flow handed out earlier (a turn's step ids in a later GET) keep the value
        # this session gave them.
        for new, origin in self.state.origins.items():
            if origin.cassette == chosen.cassette:
                mapping.setdefault(origin.recorded, new)
        response = chosen.interaction.response
        text = Bindings(mapping).apply(response.body)
        method = chosen.method
        ids = [*route.params.values(), *handed_out]
        if method == "DELETE" and response.status < 300 and route.params:
            self.state.deleted.add(list(route.params.values())[-1])
        self._remember(text, ids, response.is_stream)
        if method == "GET" and route.params and response.status < 300:
            last = list(route.params.values())[-1]
            known = self.state.objects.get(last)
            recorded_answer = chosen.answer_json
            if (
                known is not None
                and isinstance(recorded_answer, Mapping)
                and "id" in recorded_answer
                and recorded_answer.get("object") == known.get("object")
            ):
                return Answer(response.status, response.content_type, json.dumps(known), "stored", chosen.label)
        if "after" in query and not response.is_stream:
            text = _after_cursor(text, query["after"])
        return Answer(response.status, response.content_type, text, "recorded", chosen.label, response.is_stream)

    def _remember(self, text: str, ids: list[str], stream: bool) -> None:
        """Keep each JSON object the answer gives for an id of this session (a stream: its last)."""
        if stream:
            for payload in sse_payloads(text):
                inner = payload.get("response") if isinstance(payload, Mapping) else None
                if isinstance(inner, Mapping) and inner.get("id") in ids:
                    self.state.objects[str(inner["id"])] = inner
            return
        data = json_or_none(text)
        if isinstance(data, Mapping) and data.get("id") in ids and "object" in data:
            self.state.objects[str(data["id"])] = dict(data)

    # ------------------------------------------------------------------ error answers

    def _error_from(self, entries: list[Recorded], mapping: dict[str, str], kind: AnswerKind) -> Answer | None:
        if not entries:
            return None
        entry = entries[0]
        response = entry.interaction.response
        return Answer(response.status, response.content_type, Bindings(mapping).apply(response.body), kind, entry.label)

    def _not_found(self, route: Route, name: str, value: str) -> Answer:
        entries = self.recordings.entries
        same_op = [e for e in entries if e.not_found and e.route and e.route.key == route.key]
        same_path = [e for e in entries if e.not_found and e.route and e.route.template == route.template]
        same_param = [e for e in entries if e.not_found and e.route and list(e.route.params)[-1:] == [name]]
        for group in (same_op, same_path, same_param):
            for entry in group:
                recorded = (entry.route.params if entry.route else {}).get(name)
                if recorded is None:
                    continue
                mapping = {recorded: value}
                for other, recorded_value in (entry.route.params if entry.route else {}).items():
                    if other != name and other in route.params:
                        mapping[recorded_value] = route.params[other]
                answer = self._error_from([entry], mapping, "not-found")
                if answer is not None:
                    return answer
        return _json_answer(404, {"detail": f"{name} {value!r} not found (no recorded answer to copy)"}, "not-found")

    def _unknown_model(self, model: str) -> Answer | None:
        """The recorded answer to ``GET /v1/models/{model_id}`` for a model that does not exist."""
        for entry in self.recordings.entries:
            if entry.route is None or entry.status < 400 or "model_id" not in entry.route.params:
                continue
            recorded = entry.route.params["model_id"]
            if recorded in self.recordings.models:
                continue
            return self._error_from([entry], {recorded: model}, "unknown-model")
        return None

    def _invalid_body(self, route: Route, errors: list[tuple[list[str | int], str, str]]) -> Answer:
        """The reference's invalid-body envelope and status, carrying what our validation found."""
        recorded = next((e for e in self.recordings.entries if e.invalid_body), None)
        details = [{"loc": loc, "msg": msg, "type": kind} for loc, msg, kind in errors]
        if recorded is None:
            return _json_answer(400, {"detail": details}, "invalid-body")
        envelope = json_or_none(recorded.interaction.response.body)
        return _json_answer(recorded.status, _with_errors(envelope, details), "invalid-body")

    def _unmatched(self, route: Route, body: Any) -> Answer:
        near = nearest(self.recordings.entries, route.operation.method, route.template, body)
        return _json_answer(
            501,
            {
                "detail": f"the mock has no recorded answer for {route.operation.method} {route.template}",
                "nearest": [
                    {"recording": e.label, "request": f"{e.method} {e.interaction.request.target}", "status": e.status}
                    for e in near
                ],
            },
            "unmatched",
        )


def _after_cursor(text: str, after: str) -> str:
    """A recorded list page with the cursor applied: only the items after ``after`` (none when it is not
    on the page), so that a client paging with ``after=<last id>`` reaches the end as with the reference."""
    page = json_or_none(text)
    if not isinstance(page, Mapping) or not isinstance(page.get("data"), list):
        return text
    items = page["data"]
    ids = [item.get("id") if isinstance(item, Mapping) else None for item in items]
    rest = items[ids.index(after) + 1 :] if after in ids else []
    out = {**page, "data": rest}
    if "has_more" in page:
        out["has_more"] = False
    for key, index in (("first_id", 0), ("last_id", -1)):
        if key in page:
            out[key] = rest[index].get("id") if rest and isinstance(rest[index], Mapping) else None
    return json.dumps(out)


def _with_errors(envelope: Any, details: list[dict[str, Any]]) -> Any:
    """The recorded envelope with its error list (``errors``/``detail`` list) or its message replaced."""
    if isinstance(envelope, Mapping):
        out: dict[str, Any] = {}
        for key, value in envelope.items():
            if isinstance(value, list) and key in ("errors", "detail"):
                out[key] = details
            elif isinstance(value, (Mapping, list)):
                out[key] = _with_errors(value, details)
            elif isinstance(value, str) and key in ("message", "detail"):
                out[key] = str({"errors": details})
            else:
                out[key] = value
        return out
    return envelope
