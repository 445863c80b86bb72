"""The spec-diff rule table: every kind of change between two specs, one row each.

A row has a stable kebab-case id (oasdiff's where oasdiff has the rule), a level, a direction, an
area, a description and a handler. Handlers read the precomputed facts
(:func:`~conformance.specdiff.document.diff_documents`) and never compare anything themselves.

Levels follow what a client written against the old spec meets: a request it sends that the new
spec refuses, or an answer it reads that the new spec lets differ (ERR); something that breaks only
some clients, such as an unknown enum value or event type arriving (WARN); anything else (INFO).
One deliberate difference from oasdiff: a response property removed is ERR whether or not it was
required, since a client generated from the old spec has the attribute and reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from conformance.specdiff.document import Fact
from conformance.specdiff.model import Area, Change, Direction, Level

__all__ = ["RULES", "SpecRule", "apply_rules", "get_rule"]

Hit = tuple[str, str, str]
"""(operation, location, message) as a handler yields it."""


@dataclass(frozen=True, slots=True)
class SpecRule:
    id: str
    level: Level
    direction: Direction
    area: Area
    description: str
    handler: Callable[[list[Fact]], Iterator[Hit]]


def _field(fact: Fact) -> str:
    if fact.path:
        return f"`{fact.path}`"
    return "the value" if "parameter" in fact.location else "the body"


def _where(fact: Fact) -> str:
    return f"{fact.location}: {fact.path}" if fact.path else fact.location


def _ops(
    kind: str, message: Callable[[Fact], str], when: Callable[[Fact], bool] = lambda f: True
) -> Callable[[list[Fact]], Iterator[Hit]]:
    def handler(facts: list[Fact]) -> Iterator[Hit]:
        for fact in facts:
            if fact.kind == kind and when(fact):
                yield fact.operation, fact.location, message(fact)

    return handler


def _schema(
    kind: str, direction: Direction, message: Callable[[Fact], str], when: Callable[[Fact], bool] = lambda f: True
) -> Callable[[list[Fact]], Iterator[Hit]]:
    def handler(facts: list[Fact]) -> Iterator[Hit]:
        for fact in facts:
            if fact.kind == kind and fact.direction is direction and when(fact):
                yield fact.operation, _where(fact), f"{message(fact)} in {fact.location}"

    return handler


def _flag(name: str) -> Callable[[Fact], bool]:
    return lambda fact: name in fact.detail.split()


def _not(test: Callable[[Fact], bool]) -> Callable[[Fact], bool]:
    return lambda fact: not test(fact)


def _required(fact: Fact) -> bool:
    return fact.detail == "required"


_REQ, _RESP = Direction.REQUEST, Direction.RESPONSE

RULES: tuple[SpecRule, ...] = (
    # -- paths and operations
    SpecRule(
        "api-path-removed-without-deprecation", Level.ERR, _REQ, Area.PATH,
        "Every operation of a path is gone, and the operation was not deprecated first.",
        _ops("operation-removed", lambda f: "the path and this operation are removed without deprecation",
             lambda f: _flag("whole-path")(f) and not _flag("deprecated")(f)),
    ),
    SpecRule(
        "api-removed-without-deprecation", Level.ERR, _REQ, Area.OPERATION,
        "An operation is removed (its path stays) without having been deprecated first.",
        _ops("operation-removed", lambda f: "the operation is removed without deprecation",
             lambda f: not _flag("whole-path")(f) and not _flag("deprecated")(f)),
    ),
    SpecRule(
        "api-removed-after-deprecation", Level.WARN, _REQ, Area.OPERATION,
        "A deprecated operation is removed: announced, but clients still calling it break.",
        _ops("operation-removed", lambda f: "the deprecated operation is removed", _flag("deprecated")),
    ),
    SpecRule(
        "api-deprecated", Level.INFO, _REQ, Area.OPERATION,
        "An operation is newly deprecated.",
        _ops("deprecated", lambda f: "the operation is now deprecated"),
    ),
    SpecRule(
        "endpoint-added", Level.INFO, _REQ, Area.OPERATION,
        "A new operation.",
        _ops("operation-added", lambda f: "the operation is new"),
    ),
    # -- parameters
    SpecRule(
        "new-required-request-parameter", Level.ERR, _REQ, Area.PARAMETER,
        "A new parameter is required: requests without it are refused.",
        _ops("parameter-added", lambda f: f"new required {f.location}", _required),
    ),
    SpecRule(
        "new-optional-request-parameter", Level.INFO, _REQ, Area.PARAMETER,
        "A new optional parameter.",
        _ops("parameter-added", lambda f: f"new optional {f.location}", _not(_required)),
    ),
    SpecRule(
        "request-parameter-removed", Level.WARN, _REQ, Area.PARAMETER,
        "A parameter is no longer described: clients sending it may be ignored or refused.",
        _ops("parameter-removed", lambda f: f"{f.location} is removed"),
    ),
    SpecRule(
        "request-parameter-became-required", Level.ERR, _REQ, Area.PARAMETER,
        "An optional parameter became required.",
        _ops("parameter-became-required", lambda f: f"{f.location} became required"),
    ),
    # -- request bodies
    SpecRule(
        "new-required-request-body", Level.ERR, _REQ, Area.REQUEST_BODY,
        "An operation that took no body now requires one.",
        _ops("body-added-required", lambda f: "a request body is now required"),
    ),
    SpecRule(
        "request-body-became-required", Level.ERR, _REQ, Area.REQUEST_BODY,
        "An optional request body became required.",
        _ops("body-became-required", lambda f: "the request body became required"),
    ),
    SpecRule(
        "request-body-media-type-removed", Level.ERR, _REQ, Area.REQUEST_BODY,
        "A request media type is no longer accepted.",
        _ops("request-media-removed", lambda f: f"request body media type {f.detail} is removed"),
    ),
    # -- request schemas (bodies and parameters)
    SpecRule(
        "new-required-request-property", Level.ERR, _REQ, Area.SCHEMA,
        "A new required request field: requests without it are refused.",
        _schema("property-added", _REQ, lambda f: f"new required field {_field(f)}", _required),
    ),
    SpecRule(
        "new-optional-request-property", Level.INFO, _REQ, Area.SCHEMA,
        "A new optional request field.",
        _schema("property-added", _REQ, lambda f: f"new optional field {_field(f)}", _not(_required)),
    ),
    SpecRule(
        "request-property-became-required", Level.ERR, _REQ, Area.SCHEMA,
        "An optional request field became required.",
        _schema("became-required", _REQ, lambda f: f"{_field(f)} became required"),
    ),
    SpecRule(
        "request-property-removed", Level.WARN, _REQ, Area.SCHEMA,
        "A request field is no longer described: clients sending it may be ignored or refused.",
        _schema("property-removed", _REQ, lambda f: f"{_field(f)} is removed"),
    ),
    SpecRule(
        "request-property-type-changed", Level.ERR, _REQ, Area.SCHEMA,
        "A request field's type narrowed: a type it accepted is refused.",
        _schema("type-removed", _REQ, lambda f: f"{_field(f)} no longer accepts {f.detail}"),
    ),
    SpecRule(
        "request-property-type-widened", Level.INFO, _REQ, Area.SCHEMA,
        "A request field accepts another type.",
        _schema("type-added", _REQ, lambda f: f"{_field(f)} also accepts {f.detail}"),
    ),
    SpecRule(
        "request-property-became-not-nullable", Level.ERR, _REQ, Area.SCHEMA,
        "A request field no longer accepts null.",
        _schema("became-not-nullable", _REQ, lambda f: f"{_field(f)} no longer accepts null"),
    ),
    SpecRule(
        "request-property-became-nullable", Level.INFO, _REQ, Area.SCHEMA,
        "A request field also accepts null.",
        _schema("became-nullable", _REQ, lambda f: f"{_field(f)} also accepts null"),
    ),
    SpecRule(
        "request-property-enum-value-removed", Level.ERR, _REQ, Area.SCHEMA,
        "A request field no longer accepts an enum value.",
        _schema("enum-value-removed", _REQ, lambda f: f"{_field(f)} no longer accepts {f.detail}"),
    ),
    SpecRule(
        "request-property-enum-value-added", Level.INFO, _REQ, Area.SCHEMA,
        "A request field accepts a new enum value.",
        _schema("enum-value-added", _REQ, lambda f: f"{_field(f)} accepts the new value {f.detail}"),
    ),
    SpecRule(
        "request-property-variant-removed", Level.ERR, _REQ, Area.SCHEMA,
        "A branch of a request union (oneOf/anyOf) is gone: requests using it are refused.",
        _schema("variant-removed", _REQ, lambda f: f"{_field(f)} no longer accepts the variant {f.detail}"),
    ),
    SpecRule(
        "request-property-variant-added", Level.INFO, _REQ, Area.SCHEMA,
        "A request union (oneOf/anyOf) accepts a new branch.",
        _schema("variant-added", _REQ, lambda f: f"{_field(f)} accepts the new variant {f.detail}"),
    ),
    # -- responses
    SpecRule(
        "response-success-status-removed", Level.ERR, _RESP, Area.RESPONSE,
        "A success (2xx) status is no longer answered.",
        _ops("status-removed", lambda f: f"success status {f.detail} is removed"),
    ),
    SpecRule(
        "response-success-status-added", Level.INFO, _RESP, Area.RESPONSE,
        "A new success (2xx) status.",
        _ops("status-added", lambda f: f"success status {f.detail} is new"),
    ),
    SpecRule(
        "response-media-type-removed", Level.ERR, _RESP, Area.RESPONSE,
        "A success response's media type is gone (a stream, or JSON).",
        _ops("response-media-removed", lambda f: f"media type {f.detail} of {f.location} is removed"),
    ),
    SpecRule(
        "response-media-type-added", Level.INFO, _RESP, Area.RESPONSE,
        "A success response has a new media type.",
        _ops("response-media-added", lambda f: f"media type {f.detail} of {f.location} is new"),
    ),
    # -- response schemas (JSON bodies and stream event payloads)
    SpecRule(
        "response-property-removed", Level.ERR, _RESP, Area.SCHEMA,
        "A response field is gone (required or optional: a client of the old spec reads it).",
        _schema("property-removed", _RESP, lambda f: f"{f.detail} field {_field(f)} is removed"),
    ),
    SpecRule(
        "response-property-became-optional", Level.ERR, _RESP, Area.SCHEMA,
        "A required response field became optional: it may be absent.",
        _schema("became-optional", _RESP, lambda f: f"{_field(f)} became optional"),
    ),
    SpecRule(
        "response-property-became-nullable", Level.ERR, _RESP, Area.SCHEMA,
        "A response field may now be null.",
        _schema("became-nullable", _RESP, lambda f: f"{_field(f)} became nullable"),
    ),
    SpecRule(
        "response-property-type-changed", Level.ERR, _RESP, Area.SCHEMA,
        "A response field may come in a type the old spec did not allow.",
        _schema("type-added", _RESP, lambda f: f"{_field(f)} may now be {f.detail}"),
    ),
    SpecRule(
        "response-property-enum-value-added", Level.WARN, _RESP, Area.SCHEMA,
        "A response field has a new enum value: a client that switches over the values may not know it.",
        _schema("enum-value-added", _RESP, lambda f: f"{_field(f)} has the new value {f.detail}"),
    ),
    SpecRule(
        "response-property-enum-value-removed", Level.INFO, _RESP, Area.SCHEMA,
        "A response field no longer takes an enum value.",
        _schema("enum-value-removed", _RESP, lambda f: f"{_field(f)} no longer takes the value {f.detail}"),
    ),
    SpecRule(
        "response-property-variant-added", Level.WARN, _RESP, Area.SCHEMA,
        "A response union (oneOf/anyOf) has a new branch a client may not know.",
        _schema("variant-added", _RESP, lambda f: f"{_field(f)} has the new variant {f.detail}"),
    ),
    SpecRule(
        "response-property-variant-removed", Level.INFO, _RESP, Area.SCHEMA,
        "A response union (oneOf/anyOf) lost a branch.",
        _schema("variant-removed", _RESP, lambda f: f"{_field(f)} no longer has the variant {f.detail}"),
    ),
    SpecRule(
        "response-property-added", Level.INFO, _RESP, Area.SCHEMA,
        "A new response field.",
        _schema("property-added", _RESP, lambda f: f"new {f.detail} field {_field(f)}"),
    ),
    SpecRule(
        "response-property-became-required", Level.INFO, _RESP, Area.SCHEMA,
        "An optional response field is now always sent.",
        _schema("became-required", _RESP, lambda f: f"{_field(f)} became required"),
    ),
    # -- stream events
    SpecRule(
        "stream-event-type-removed", Level.ERR, _RESP, Area.STREAM_EVENT,
        "An event type of a stream is gone: a client waiting for it never sees it.",
        _ops("event-type-removed", lambda f: f"event type {f.detail} is removed from {f.location}"),
    ),
    SpecRule(
        "stream-event-type-added", Level.WARN, _RESP, Area.STREAM_EVENT,
        "A stream has a new event type a client may not know.",
        _ops("event-type-added", lambda f: f"event type {f.detail} is new in {f.location}"),
    ),
    SpecRule(
        "stream-event-payload-changed", Level.INFO, _RESP, Area.STREAM_EVENT,
        "An event type's payload schema changed (the response-property rules say how).",
        _ops("event-payload-changed", lambda f: f"the payload of event type {f.detail} changed in {f.location}"),
    ),
)  # fmt: skip

_BY_ID = {rule.id: rule for rule in RULES}


def get_rule(rule_id: str) -> SpecRule:
    return _BY_ID[rule_id]


def apply_rules(facts: list[Fact], rules: Iterable[SpecRule] = RULES) -> list[Change]:
    """Every change the rules find in the facts, sorted by operation, rule and location, once each."""
    changes = {
        Change(operation, rule.id, location, rule.level, rule.direction, rule.area, message)
        for rule in rules
        for operation, location, message in rule.handler(facts)
    }
    return sorted(changes)
