"""The profile's id formats steer the property suite: valid ids are well-formed, invalid ones are not."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.profiles import Profile, get_profile
from conformance.core.results import RunResult, Target
from conformance.runner.base import RunContext, RunOptions, execute
from conformance.runner.property import PropertySettings, PropertySuite

_CONVERSATION = re.compile(r"conv_[0-9a-f]{48}")

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "conversations", "version": "1"},
    "paths": {
        "/v1/conversations/{conversation_id}": {
            "get": {
                "operationId": "get_conversation",
                "parameters": [
                    {"name": "conversation_id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "400": {"description": "bad", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "404": {"description": "gone", "content": {"application/json": {"schema": {"type": "object"}}}},
                },
            }
        }
    },
}


def _app(seen: list[str]) -> Starlette:
    """Like OGX: 400 for an id of the wrong format, 404 for a well-formed id that names nothing."""

    async def get(request: Request) -> JSONResponse:
        conversation_id = request.path_params["conversation_id"]
        seen.append(conversation_id)
        if not _CONVERSATION.fullmatch(conversation_id):
            message = "Conversation ID must match format 'conv_' followed by 48 lowercase hex characters."
            return JSONResponse({"detail": message}, status_code=400)
        return JSONResponse({"detail": f"Conversation {conversation_id} not found"}, status_code=404)

    return Starlette(routes=[Route("/v1/conversations/{conversation_id}", get, methods=["GET"])])


def _run(base_url: str, tmp_path: Path, profile: Profile, document: dict[str, Any] = SPEC) -> RunResult:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(document))
    suite = PropertySuite(PropertySettings(spec_path=spec, max_examples=10, phases=("examples", "coverage", "fuzzing")))
    ctx = RunContext(
        client=TargetClient(ClientSettings(base_url=base_url)),
        profile=profile,
        target=Target(base_url=base_url, profile=profile.id),
        options=RunOptions(),
    )
    return execute([suite], ctx)


def test_well_formed_unknown_ids_are_sent_as_valid_data(serve_app: Callable[[Any], str], tmp_path: Path) -> None:
    seen: list[str] = []
    result = _run(serve_app(_app(seen)), tmp_path, get_profile("ogx-1.5"))
    assert "positive_data_acceptance" not in {f.check_id for f in result.findings}
    assert any(_CONVERSATION.fullmatch(value) for value in seen), "positive cases send well-formed ids"
    assert any(not _CONVERSATION.fullmatch(value) for value in seen), "negative cases send malformed ids"
    assert result.findings == []


def test_without_id_formats_random_ids_are_rejected_as_valid_data(
    serve_app: Callable[[Any], str], tmp_path: Path
) -> None:
    """The control: the same server, judged without the hints, shows the noise the hints remove."""
    bare = dataclasses.replace(get_profile("ogx-1.5"), ids=())
    result = _run(serve_app(_app([])), tmp_path, bare)
    assert "positive_data_acceptance" in {f.check_id for f in result.findings}


def _lenient_app() -> Starlette:
    """Answers 200 for every id, well-formed or not, and for any ``limit``: no id format is in the contract."""

    async def get(request: Request) -> JSONResponse:
        return JSONResponse({"id": request.path_params["conversation_id"]})

    return Starlette(routes=[Route("/v1/conversations/{conversation_id}", get, methods=["GET"])])


def test_a_server_that_accepts_any_id_format_breaks_no_contract(
    serve_app: Callable[[Any], str], tmp_path: Path
) -> None:
    """The formats are hints, not the spec: accepting a malformed id is not a schema-invalid request accepted.
    A constraint the spec does state (``limit >= 1``) still makes negative_data_rejection fire."""
    operation = SPEC["paths"]["/v1/conversations/{conversation_id}"]["get"]
    limit = {"name": "limit", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 1}}
    spec = {**SPEC, "paths": {"/v1/conversations/{conversation_id}": {"get": {**operation,
            "parameters": [*operation["parameters"], limit]}}}}  # fmt: skip
    url = serve_app(_lenient_app())
    without_limit = _run(url, tmp_path, get_profile("ogx-1.5"))
    assert "negative_data_rejection" not in {f.check_id for f in without_limit.findings}
    (tmp_path / "with-limit").mkdir()
    with_limit = _run(url, tmp_path / "with-limit", get_profile("ogx-1.5"), spec)
    fired = [f for f in with_limit.findings if f.check_id == "negative_data_rejection"]
    assert fired
    assert "limit" in fired[0].message


def test_a_server_that_accepts_malformed_ids_in_a_body_array_breaks_no_contract(
    serve_app: Callable[[Any], str], tmp_path: Path
) -> None:
    """``file_ids: [""]`` only breaks the hint on the array's items: the contract says ``string``."""
    nullable_ids = {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}]}
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "stores", "version": "1"},
        "paths": {
            "/v1/vector_stores": {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Create"}}},
                    },
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}},
                }
            }
        },
        "components": {"schemas": {"Create": {"type": "object", "properties": {"file_ids": nullable_ids}}}},
    }

    async def create(request: Request) -> JSONResponse:
        return JSONResponse({"id": "vs_1"})

    url = serve_app(Starlette(routes=[Route("/v1/vector_stores", create, methods=["POST"])]))
    result = _run(url, tmp_path, get_profile("ogx-1.5"), spec)
    assert [f.message for f in result.findings if "file_ids" in f.message] == []


def _case(phase: str, **data: Any) -> Any:
    from types import SimpleNamespace

    data.setdefault("mutations", ())
    return SimpleNamespace(meta=SimpleNamespace(phase=SimpleNamespace(name=phase, data=SimpleNamespace(**data))))


def _mutation(keywords: tuple[str, ...], parameter: str | None, path: tuple[Any, ...]) -> Any:
    from types import SimpleNamespace

    return SimpleNamespace(keywords=keywords, parameter=parameter, path=path)


def test_each_way_schemathesis_describes_a_hint_only_negative_case_is_recognised() -> None:
    """Fuzzing names the mutated field on its path (an array index as the parameter); coverage names a path
    parameter, or a body field by its schema location. Anything else that is invalid stays a finding."""
    from conformance.core.redact import Redactor
    from conformance.runner.property import _Collector

    collector = _Collector(redactor=Redactor(), hinted=frozenset({"file_ids", "conversation_id"}))
    check = "negative_data_rejection"
    hint_only = [
        _case("fuzzing", mutations=(_mutation(("pattern",), "7", ("file_ids", 7)),)),
        _case("coverage", scenario="invalid_pattern", parameter="conversation_id", location=None),
        _case("coverage", scenario="invalid_pattern", parameter="application/json",
              location="/properties/file_ids/anyOf/0/items/pattern"),
    ]  # fmt: skip
    assert all(collector._breaks_only_a_hint(check, case) for case in hint_only)
    genuine = [
        _case("fuzzing", mutations=(_mutation(("anyOf",), "file_ids", ("file_ids",)),)),
        _case("fuzzing", mutations=(_mutation(("pattern",), "name", ("name",)),)),
        _case("coverage", scenario="incorrect_type", parameter="application/json", location="/properties/file_ids"),
        _case(
            "coverage", scenario="invalid_pattern", parameter="application/json", location="/properties/name/pattern"
        ),
    ]
    assert not any(collector._breaks_only_a_hint(check, case) for case in genuine)
    assert not collector._breaks_only_a_hint("positive_data_acceptance", hint_only[0])
