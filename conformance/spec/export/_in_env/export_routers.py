"""Export the OpenAPI of a router-style API package (llama-stack-api 0.7, ogx-api). Runs in its environment.

Usage: ``python export_routers.py DIST MODULE [--derive NAME ...] API[=PACKAGE] ...`` prints one JSON
document on stdout: ``{"spec", "operations_by_api", "derived", "returns", "nullable", "source"}``.

Each API package has ``fastapi_routes.create_router(impl)``; the server includes one router per API
it serves into its FastAPI app and serves ``app.openapi()``. We do the same with a placeholder
implementation (the routers only call it when a request arrives), so the result is what that server
serves for the same APIs.

The served document references schemas it never defines (types named only in hand-written
``responses=`` blocks). ``derived`` carries their JSON schemas, generated from the protocol types of
the same name found in the package, plus any ``--derive NAME`` asked for (the error envelope), so
the post-processing on our side can repair the document. Imports nothing of ours.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import inspect
import json
import pkgutil
import re
import sys
import types
import typing
from types import ModuleType
from typing import Any, Literal

TOOLCHAIN = ("pydantic", "fastapi", "starlette", "openai")
_SCHEMA_PREFIX = "#/components/schemas/"


class _Placeholder:
    """Stands in for the API implementation: routers keep a reference and never call it while building."""


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value)
            else:
                found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def _modules(package: ModuleType) -> list[ModuleType]:
    modules = [package]
    for info in sorted(pkgutil.walk_packages(package.__path__, f"{package.__name__}."), key=lambda i: i.name):
        try:
            modules.append(importlib.import_module(info.name))
        except Exception as exc:  # an optional dependency of one module must not stop the export
            print(f"skipping {info.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
    return modules


def _assigns(module: ModuleType, name: str) -> bool:
    """Whether the module's source binds ``name`` at the top level (``Name = ...`` or ``Name: ... = ...``)."""
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return False
    return re.search(rf"^{re.escape(name)}\s*(:[^=\n]*)?=", source, re.MULTILINE) is not None


def _find(modules: list[ModuleType], name: str) -> tuple[str, object]:
    """Where ``name`` is defined: the module that owns the class or assigns the alias, else the first that binds it."""
    bound = [(m, getattr(m, name)) for m in modules if hasattr(m, name)]
    if not bound:
        raise SystemExit(f"no type named {name!r} in the package: cannot derive its schema")
    owners = [(m, obj) for m, obj in bound if getattr(obj, "__module__", None) == m.__name__ or _assigns(m, name)]
    module, obj = (owners or bound)[0]
    return module.__name__, obj


def _derive(modules: list[ModuleType], names: list[str]) -> dict[str, Any]:
    from typing import TypeAliasType

    from pydantic import TypeAdapter

    found = {name: _find(modules, name) for name in names}
    inputs: list[tuple[str, Literal["serialization"], TypeAdapter[Any]]] = []
    for name, (_module, obj) in found.items():
        target: Any = obj if isinstance(obj, type) else TypeAliasType(name, obj)
        inputs.append((name, "serialization", TypeAdapter(target)))
    by_name, defs = TypeAdapter.json_schemas(inputs, ref_template=_SCHEMA_PREFIX + "{model}")
    return {
        "roots": {name: found[name][0] + "." + name for name in names},
        "schemas": _as_fastapi_serves(dict(defs.get("$defs", {}))),
        "refs": {name: schema for (name, _mode), schema in by_name.items()},
    }


def _as_fastapi_serves(schemas: dict[str, Any]) -> dict[str, Any]:
    """Pass schemas through FastAPI's OpenAPI model as ``app.openapi()`` does (it drops null values,
    e.g. ``default: null``), so a derived schema equals the served one wherever both exist."""
    encoders = importlib.import_module("fastapi.encoders")
    models = importlib.import_module("fastapi.openapi.models")
    document = {"openapi": "3.1.0", "info": {"title": "", "version": ""}, "paths": {}}
    document["components"] = {"schemas": schemas}
    encoded = encoders.jsonable_encoder(models.OpenAPI(**document), by_alias=True, exclude_none=True)
    return dict(encoded.get("components", {}).get("schemas", {}))


def _api_routes(routes: list[Any]) -> list[Any]:
    """Every route with an endpoint, looking into included routers (FastAPI keeps them nested)."""
    found = []
    for route in routes:
        if hasattr(route, "original_router"):
            found += _api_routes(route.original_router.routes)
        elif hasattr(route, "endpoint") and hasattr(route, "methods") and hasattr(route, "status_code"):
            found.append(route)
    return found


def _return_kinds(app: Any, operations: set[str]) -> dict[str, list[str]]:
    """Operations whose endpoint is annotated ``-> None`` (FastAPI answers ``null``) or ``-> Response``
    (the body is whatever the implementation puts in it): their declared JSON schemas say otherwise."""
    from starlette.responses import Response

    kinds: dict[str, list[str]] = {"null": [], "raw": []}
    for route in _api_routes(app.routes):
        try:
            returned = typing.get_type_hints(route.endpoint).get("return", inspect.Signature.empty)
        except Exception:
            returned = inspect.signature(route.endpoint).return_annotation
        labels = [f"{m} {route.path_format}" for m in sorted(route.methods) if f"{m} {route.path_format}" in operations]
        if returned in (None, type(None)) and route.status_code in (None, 200):
            kinds["null"] += labels
        elif isinstance(returned, type) and issubclass(returned, Response):
            kinds["raw"] += labels
    return {kind: sorted(labels) for kind, labels in kinds.items()}


def _admits_none(annotation: Any) -> bool:
    if annotation is None or annotation is type(None):
        return True
    if typing.get_origin(annotation) is typing.Annotated:
        return _admits_none(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_admits_none(arg) for arg in typing.get_args(annotation))
    return annotation is Any


def _allows_null(schema: Any) -> bool:
    if not isinstance(schema, dict) or not set(schema) - {"title", "description", "default", "examples"}:
        return True  # no constraint at all
    if "$ref" in schema:
        return False
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind) or schema.get("const", 0) is None:
        return True
    return any(_allows_null(s) for key in ("anyOf", "oneOf") for s in schema.get(key, []))


def _nulls_removed(modules: list[ModuleType], schemas: dict[str, Any]) -> dict[str, list[str]]:
    """Properties whose model field is Optional but whose schema no longer allows null.

    Upstream strips ``null`` from some Optional fields (``json_schema_extra=remove_null_from_anyof``)
    to read like OpenAI's documents, yet the field still holds None and the servers send ``null``.
    """
    from pydantic import BaseModel

    models: dict[str, set[type[BaseModel]]] = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel) and value.__name__ in schemas:
                models.setdefault(value.__name__, set()).add(value)
    found: dict[str, list[str]] = {}
    for name, classes in sorted(models.items()):
        if len(classes) != 1:
            continue  # two models share the name: FastAPI would have named them apart
        (model,) = classes
        properties = schemas[name].get("properties", {})
        for field_name, field in model.model_fields.items():
            key = field.serialization_alias or field.alias or field_name
            if key in properties and _admits_none(field.annotation) and not _allows_null(properties[key]):
                found.setdefault(name, []).append(key)
    return found


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dist")
    parser.add_argument("module")
    parser.add_argument("apis", nargs="+", help="API or API=PACKAGE (the package under MODULE)")
    parser.add_argument("--derive", action="append", default=[])
    args = parser.parse_args(argv)

    fastapi_app = importlib.import_module("fastapi").FastAPI
    package = importlib.import_module(args.module)
    app = fastapi_app()
    operations_by_api: dict[str, list[tuple[str, str]]] = {}
    for item in args.apis:
        api, _, sub = item.partition("=")
        routes = importlib.import_module(f"{args.module}.{sub or api}.fastapi_routes")
        router = routes.create_router(_Placeholder())
        app.include_router(router)
        alone = fastapi_app()
        alone.include_router(router)
        paths = alone.openapi()["paths"]
        operations_by_api[api] = sorted((m.upper(), p) for p, ops in paths.items() for m in ops)
    spec = app.openapi()
    returns = _return_kinds(app, {f"{m} {p}" for ops in operations_by_api.values() for m, p in ops})

    defined = {_SCHEMA_PREFIX + name for name in spec.get("components", {}).get("schemas", {})}
    undefined = {r for r in _refs(spec) if r.startswith(_SCHEMA_PREFIX) and r not in defined}
    dangling = sorted(r[len(_SCHEMA_PREFIX) :] for r in undefined)
    wanted = sorted(set(dangling) | set(args.derive))
    modules = _modules(package)
    derived = _derive(modules, wanted) if wanted else {"roots": {}, "schemas": {}, "refs": {}}
    derived["dangling"] = dangling
    all_schemas = {**spec.get("components", {}).get("schemas", {}), **derived["schemas"]}
    nullable = _nulls_removed(modules, all_schemas)

    version = importlib.metadata.version(args.dist)
    document = {
        "spec": spec,
        "operations_by_api": operations_by_api,
        "derived": derived,
        "returns": returns,
        "nullable": nullable,
        "source": {
            "package": args.dist,
            "version": version,
            "style": "routers",
            "toolchain": {name: importlib.metadata.version(name) for name in TOOLCHAIN},
        },
    }
    json.dump(document, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
