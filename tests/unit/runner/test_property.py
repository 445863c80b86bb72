"""The property suite drives Schemathesis against small live servers: broken ones make checks fire."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import UsageError
from conformance.core.profiles import get_profile
from conformance.core.results import Status, Target
from conformance.runner.base import RunContext, RunOptions, execute
from conformance.runner.property import PropertySettings, PropertySuite, isolate_generation

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "items", "version": "1"},
    "paths": {
        "/v1/items": {
            "post": {
                "operationId": "create_item",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "additionalProperties": False,
                                "properties": {"name": {"type": "string", "maxLength": 20}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "created",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
                    },
                    "400": {"description": "bad", "content": {"application/json": {"schema": {"type": "object"}}}},
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
            }
        }
    },
}


def _app(*, drop_field: bool = False, crash: bool = False) -> Starlette:
    async def create(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "invalid json"}, status_code=400)
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("name"), str)
            or set(body) != {"name"}
            or len(body["name"]) > 20
        ):
            return JSONResponse({"error": "invalid body"}, status_code=400)
        if crash:
            return JSONResponse({"error": "boom"}, status_code=500)
        item = {"id": "item-1", "name": body["name"]}
        if drop_field:
            del item["name"]
        return JSONResponse(item)

    return Starlette(routes=[Route("/v1/items", create, methods=["POST"])])


def _run(base_url: str, tmp_path: Path, **settings: Any) -> Any:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    suite = PropertySuite(
        PropertySettings(
            spec_path=spec, max_examples=5, workers=1, phases=("examples", "coverage", "fuzzing"), **settings
        )
    )
    client = TargetClient(ClientSettings(base_url=base_url))
    ctx = RunContext(
        client=client,
        profile=get_profile("ogx-1.5"),
        target=Target(base_url=base_url, profile="ogx-1.5"),
        options=RunOptions(),
    )
    return execute([suite], ctx)


def _fired(result: Any) -> set[str]:
    return {f.check_id for f in result.findings}


def test_a_conformant_server_keeps_the_property_checks_quiet(serve_app: Callable[[Any], str], tmp_path: Path) -> None:
    result = _run(serve_app(_app()), tmp_path)
    assert {c.operation for c in result.cases} == {"POST /v1/items"}
    assert {c.status for c in result.cases} == {Status.PASS}
    assert {"not_a_server_error", "response_schema_conformance"} <= {c.check_id for c in result.cases}
    assert _fired(result) == set()


def test_a_missing_response_field_fires_response_schema_conformance(
    serve_app: Callable[[Any], str], tmp_path: Path
) -> None:
    result = _run(serve_app(_app(drop_field=True)), tmp_path)
    assert "response_schema_conformance" in _fired(result)
    finding = next(f for f in result.findings if f.check_id == "response_schema_conformance")
    assert finding.operation == "POST /v1/items"
    assert finding.reproduction is not None
    assert finding.reproduction.startswith("curl")
    assert finding.evidence is not None
    assert "HTTP 200" in finding.evidence.response
    failing = [c for c in result.cases if c.status is Status.FAIL]
    assert [c.id for c in failing] == ["property/POST /v1/items/response_schema_conformance"]


def test_a_server_error_fires_not_a_server_error(serve_app: Callable[[Any], str], tmp_path: Path) -> None:
    assert "not_a_server_error" in _fired(_run(serve_app(_app(crash=True)), tmp_path))


def test_a_disabled_check_stays_quiet(serve_app: Callable[[Any], str], tmp_path: Path) -> None:
    result = _run(serve_app(_app(crash=True)), tmp_path, disabled_checks=frozenset({"not_a_server_error"}))
    assert "not_a_server_error" not in _fired(result)


def test_the_same_seed_gives_the_same_findings(serve_app: Callable[[Any], str], tmp_path: Path) -> None:
    url = serve_app(_app(drop_field=True))
    first = _run(url, tmp_path, seed=7)
    second = _run(url, tmp_path, seed=7)
    assert [(f.check_id, f.operation, f.message) for f in first.findings] == [
        (f.check_id, f.operation, f.message) for f in second.findings
    ]


def test_unknown_check_or_phase_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown check 'nope'"):
        PropertySuite(PropertySettings(disabled_checks=frozenset({"nope"})))
    with pytest.raises(UsageError, match="unknown phase 'warp'"):
        PropertySuite(PropertySettings(phases=("warp",)))


def test_schemathesis_keeps_no_state_between_runs(tmp_path: Path) -> None:
    """Its per-project cache (under ./.schemathesis) replays earlier runs' requests: off, so a seed
    alone decides what is generated. Asserted on the config the engine reads, as loaded."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    suite = PropertySuite(PropertySettings(spec_path=spec, seed=3))
    client = TargetClient(ClientSettings(base_url="http://127.0.0.1:9", api_key="sk-abcdef"))
    ctx = RunContext(
        client=client,
        profile=get_profile("ogx-1.5"),
        target=Target(base_url="http://127.0.0.1:9", profile="ogx-1.5"),
        options=RunOptions(),
    )
    schema, operations, _disabled = suite._load(ctx, "http://127.0.0.1:9")
    assert schema.config.cache.enabled is False
    assert schema.config.seed == 3
    assert schema.config.proxy_for() == "http://127.0.0.1:9"  # the guard proxy
    assert operations == ["POST /v1/items"]


def test_generation_uses_no_constants_from_local_source_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hypothesis draws literals of local modules (this package, installed editable, is one); the suite
    turns that off, so the same seed sends the same requests whatever our code or the working directory."""
    from hypothesis.internal.conjecture import providers

    monkeypatch.setattr(providers, "_get_local_constants", providers._get_local_constants)  # restored after
    monkeypatch.setattr(providers, "_sys_modules_len", None)  # rescan sys.modules
    isolate_generation()  # without it, an editable install of this package alone gives 400-odd constants
    assert len(providers._get_local_constants()) == 0


class _Progress:
    """Records what :func:`execute` tells a live display."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def suite_started(self, suite: str) -> None:
        self.events.append(f"start {suite}")

    def suite_finished(self, suite: str, seconds: float) -> None:
        self.events.append(f"end {suite} {seconds > 0}")

    def working_on(self, what: str) -> None:
        self.events.append(f"on {what}")

    def units(self, done: int, total: int) -> None:
        self.events.append(f"units {done}/{total}")


def test_every_property_case_carries_its_time_into_junit(serve_app: Callable[[Any], str], tmp_path: Path) -> None:
    from xml.etree import ElementTree

    from conformance.reports.junit import render_junit

    result = _run(serve_app(_app(drop_field=True)), tmp_path)
    assert result.cases
    assert all(case.duration_s > 0 for case in result.cases)
    junit = ElementTree.fromstring(render_junit(result))
    times = [float(case.get("time", "0")) for case in junit.iter("testcase")]
    assert len(times) == len(result.cases)
    assert all(t > 0 for t in times)


def test_the_property_suite_says_which_operation_it_judges(serve_app: Callable[[Any], str], tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    suite = PropertySuite(PropertySettings(spec_path=spec, max_examples=2, phases=("examples", "coverage")))
    base_url = serve_app(_app())
    ctx = RunContext(
        client=TargetClient(ClientSettings(base_url=base_url)),
        profile=get_profile("ogx-1.5"),
        target=Target(base_url=base_url, profile="ogx-1.5"),
    )
    progress = _Progress()
    execute([suite], ctx, progress=progress)
    assert progress.events[0] == "start property"
    assert progress.events[-1] == "end property True"
    assert "on POST /v1/items (coverage phase)" in progress.events
    # Units are an operation in one phase: counted up as the engine goes, never past the total, complete at the end.
    units = [tuple(map(int, e.removeprefix("units ").split("/"))) for e in progress.events if e.startswith("units ")]
    operations = len(SPEC["paths"]["/v1/items"])
    assert units[0] == (0, 2 * operations)
    assert units[-1] == (2 * operations, 2 * operations)
    assert [done for done, _ in units] == sorted(done for done, _ in units)
    assert len(units) > 2


def _ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def test_a_shard_keeps_a_path_and_the_producers_and_consumers_of_a_resource_together() -> None:
    """``POST /v1/things`` creates what ``GET``/``DELETE /v1/things/{thing_id}`` are sent: one unit of ``--shard``."""
    import schemathesis

    from conformance.runner.property import _shard_units

    thing = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
    thing_id = [{"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}}]
    body = {"content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}}
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "things", "version": "1"},
        "components": {"schemas": {"Thing": thing}},
        "paths": {
            "/v1/things": {"post": {"requestBody": body, "responses": _ok({"$ref": "#/components/schemas/Thing"})}},
            "/v1/things/{thing_id}": {
                "get": {"parameters": thing_id, "responses": _ok({"$ref": "#/components/schemas/Thing"})},
                "delete": {"parameters": thing_id, "responses": _ok({"type": "object"})},
            },
            "/v1/health": {"get": {"responses": _ok({"type": "object"})}},
            "/v1/other": {"get": {"responses": _ok({"type": "object"})}},
        },
    }
    schema = schemathesis.openapi.from_dict(spec)
    labels = sorted(result.ok().label for result in schema.get_all_operations())
    assert _shard_units(schema, labels) == {
        "DELETE /v1/things/{thing_id}": "DELETE /v1/things/{thing_id}",
        "GET /v1/things/{thing_id}": "DELETE /v1/things/{thing_id}",
        "POST /v1/things": "DELETE /v1/things/{thing_id}",
        "GET /v1/health": "GET /v1/health",
        "GET /v1/other": "GET /v1/other",
    }
