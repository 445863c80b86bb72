"""OpenAPI links: how the id a create returns feeds the operations that use it.

Property tests follow them to build stateful chains (create an agent, open a session, run a turn,
read it back, delete it). A rule applies when both of its operations exist in the profile, so one
table serves every release; ``apply_links`` returns the rules it applied and the test of each
committed spec checks that the expected chains are there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["LINK_RULES", "LinkRule", "apply_links"]

_BODY_ID = "$response.body#/id"
_IDENTIFIER = "$response.body#/identifier"


@dataclass(frozen=True, slots=True)
class LinkRule:
    name: str
    source: str
    """``METHOD path`` of the operation whose success response carries the value."""
    target: str
    parameters: Mapping[str, str]
    """Target parameter (``path.name``/``query.name``) -> runtime expression."""

    def split(self, which: str) -> tuple[str, str]:
        method, _, path = which.partition(" ")
        return method.lower(), path


def _agents(prefix: str) -> list[LinkRule]:
    agent = f"{prefix}/agents/{{agent_id}}"
    session = f"{agent}/session/{{session_id}}"
    turn = f"{session}/turn/{{turn_id}}"
    aid = {"path.agent_id": "$response.body#/agent_id"}
    in_session = {"path.agent_id": "$request.path.agent_id", "path.session_id": "$response.body#/session_id"}
    in_turn = {
        "path.agent_id": "$request.path.agent_id",
        "path.session_id": "$request.path.session_id",
        "path.turn_id": "$response.body#/turn_id",
    }
    return [
        LinkRule("GetAgent", f"POST {prefix}/agents", f"GET {agent}", aid),
        LinkRule("CreateSession", f"POST {prefix}/agents", f"POST {agent}/session", aid),
        LinkRule("ListSessions", f"POST {prefix}/agents", f"GET {agent}/sessions", aid),
        LinkRule("DeleteAgent", f"POST {prefix}/agents", f"DELETE {agent}", aid),
        LinkRule("GetSession", f"POST {agent}/session", f"GET {session}", in_session),
        LinkRule("CreateTurn", f"POST {agent}/session", f"POST {session}/turn", in_session),
        LinkRule("DeleteSession", f"POST {agent}/session", f"DELETE {session}", in_session),
        LinkRule("GetTurn", f"POST {session}/turn", f"GET {turn}", in_turn),
        LinkRule("ResumeTurn", f"POST {session}/turn", f"POST {turn}/resume", in_turn),
        LinkRule(
            "GetStep",
            f"POST {session}/turn",
            f"GET {turn}/step/{{step_id}}",
            {**in_turn, "path.step_id": "$response.body#/steps/0/step_id"},
        ),
        LinkRule(
            "GetStep",
            f"GET {turn}",
            f"GET {turn}/step/{{step_id}}",
            {
                "path.agent_id": "$request.path.agent_id",
                "path.session_id": "$request.path.session_id",
                "path.turn_id": "$request.path.turn_id",
                "path.step_id": "$response.body#/steps/0/step_id",
            },
        ),
    ]


def _by_id(name: str, create: str, target: str, param: str, expression: str = _BODY_ID) -> LinkRule:
    return LinkRule(name, create, target, {f"path.{param}": expression})


def _crud(create: str, item: str, param: str, *extra: tuple[str, str]) -> list[LinkRule]:
    """``Get``/``Delete`` (and ``extra`` (name, METHOD suffix)) of what ``create`` returns by ``id``."""
    rules = [_by_id("Get", create, f"GET {item}", param), _by_id("Delete", create, f"DELETE {item}", param)]
    for name, target in extra:
        method, _, suffix = target.partition(" ")
        rules.append(_by_id(name, create, f"{method} {item}{suffix}", param))
    return rules


_PROMPT = "/v1/prompts/{prompt_id}"
_CHAT = "/v1/chat/completions/{completion_id}"
_VS = "/v1/vector_stores/{vector_store_id}"
_VS_FILE = f"{_VS}/files/{{file_id}}"
_VS_BATCH = f"{_VS}/file_batches/{{batch_id}}"
_IN_STORE = {"path.vector_store_id": "$response.body#/vector_store_id"}

LINK_RULES: tuple[LinkRule, ...] = (
    *_agents("/v1alpha"),
    *_crud("POST /v1/responses", "/v1/responses/{response_id}", "response_id", ("ListInputItems", "GET /input_items")),
    *_crud(
        "POST /v1/conversations",
        "/v1/conversations/{conversation_id}",
        "conversation_id",
        ("Update", "POST "),
        ("AddItems", "POST /items"),
        ("ListItems", "GET /items"),
    ),
    LinkRule(
        "GetItem",
        "POST /v1/conversations/{conversation_id}/items",
        "GET /v1/conversations/{conversation_id}/items/{item_id}",
        {"path.conversation_id": "$request.path.conversation_id", "path.item_id": "$response.body#/data/0/id"},
    ),
    LinkRule(
        "DeleteItem",
        "POST /v1/conversations/{conversation_id}/items",
        "DELETE /v1/conversations/{conversation_id}/items/{item_id}",
        {"path.conversation_id": "$request.path.conversation_id", "path.item_id": "$response.body#/data/0/id"},
    ),
    *_crud("POST /v1/files", "/v1/files/{file_id}", "file_id", ("GetContent", "GET /content")),
    *_crud(
        "POST /v1/vector_stores",
        _VS,
        "vector_store_id",
        ("Update", "POST "),
        ("Search", "POST /search"),
        ("AttachFile", "POST /files"),
        ("ListFiles", "GET /files"),
        ("CreateFileBatch", "POST /file_batches"),
    ),
    *(
        LinkRule(name, f"POST {_VS}/files", target, {**_IN_STORE, "path.file_id": _BODY_ID})
        for name, target in (
            ("Get", f"GET {_VS_FILE}"),
            ("GetContent", f"GET {_VS_FILE}/content"),
            ("Update", f"POST {_VS_FILE}"),
            ("Delete", f"DELETE {_VS_FILE}"),
        )
    ),
    *(
        LinkRule(name, f"POST {_VS}/file_batches", target, {**_IN_STORE, "path.batch_id": _BODY_ID})
        for name, target in (
            ("Get", f"GET {_VS_BATCH}"),
            ("ListFiles", f"GET {_VS_BATCH}/files"),
            ("Cancel", f"POST {_VS_BATCH}/cancel"),
        )
    ),
    *(
        _by_id(name, "POST /v1/prompts", f"{method} {_PROMPT}{suffix}", "prompt_id", "$response.body#/prompt_id")
        for name, method, suffix in (
            ("Get", "GET", ""),
            ("ListVersions", "GET", "/versions"),
            ("Update", "PUT", ""),
            ("Update", "POST", ""),  # llama-stack 0.3 serves the PUT routes as POST
            ("SetDefaultVersion", "PUT", "/set-default-version"),
            ("SetDefaultVersion", "POST", "/set-default-version"),
            ("Delete", "DELETE", ""),
        )
    ),
    # Stored chat completions can be read back (not deleted).
    _by_id("Get", "POST /v1/chat/completions", f"GET {_CHAT}", "completion_id"),
    _by_id("ListMessages", "POST /v1/chat/completions", f"GET {_CHAT}/messages", "completion_id"),
    *(
        _by_id(name, "POST /v1/models", f"{method} /v1/models/{{model_id}}", "model_id", _IDENTIFIER)
        for name, method in (("Get", "GET"), ("Delete", "DELETE"))
    ),
    *(
        _by_id(name, "POST /v1/shields", f"{method} /v1/shields/{{identifier}}", "identifier", _IDENTIFIER)
        for name, method in (("Get", "GET"), ("Delete", "DELETE"))
    ),
)


def _success(operation: dict[str, Any]) -> dict[str, Any] | None:
    responses = operation.get("responses", {})
    status = next((s for s in ("200", "201") if s in responses), None)
    return responses[status] if status else None


def apply_links(spec: dict[str, Any], rules: tuple[LinkRule, ...] = LINK_RULES) -> list[LinkRule]:
    """Add ``links`` to the success responses in place; returns the rules that applied."""
    paths = spec.get("paths", {})
    applied = []
    for rule in rules:
        (smethod, spath), (tmethod, tpath) = rule.split(rule.source), rule.split(rule.target)
        source = paths.get(spath, {}).get(smethod)
        target = paths.get(tpath, {}).get(tmethod)
        if source is None or target is None or target.get("deprecated"):
            continue
        response = _success(source)
        if response is None or "operationId" not in target:
            raise ValueError(f"link {rule.name}: {rule.source} has no success response or {rule.target} no operationId")
        links = response.setdefault("links", {})
        if rule.name in links:
            raise ValueError(f"link {rule.name} declared twice on {rule.source}")
        links[rule.name] = {"operationId": target["operationId"], "parameters": dict(rule.parameters)}
        applied.append(rule)
    return applied
