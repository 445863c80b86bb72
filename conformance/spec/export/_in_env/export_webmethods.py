"""Export a llama-stack 0.3.x release's protocol definitions as OpenAPI. Runs in the upstream environment.

Usage: ``python export_webmethods.py API [API ...]`` prints one JSON document on stdout:
``{"spec": ..., "operations_by_api": ..., "notes": [...], "source": ...}``.

Imports nothing of ours (this package is not installed there): the generic walker is loaded from
this directory as a stand-alone package.
Which protocol classes make up an API is taken from the upstream server itself
(``api_protocol_map``), including its "rag-tool" special case, so the routes are exactly those its
``routes.get_all_api_routes`` serves.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

PACKAGE = "llama-stack"
TOOLCHAIN = ("pydantic", "fastapi", "starlette", "openai")


def _load_walker() -> ModuleType:
    """The walker, imported from this directory as a stand-alone package (its modules import each other
    relatively, and nothing else of ours)."""
    here = Path(__file__).resolve().parent
    spec = importlib.util.spec_from_file_location(
        "_conformance_in_env", here / "__init__.py", submodule_search_locations=[str(here)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {here}")
    package = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = package
    spec.loader.exec_module(package)
    return importlib.import_module("_conformance_in_env.webmethods")


def _named_types() -> list[tuple[object, str]]:
    """Names llama-stack registered for its union aliases (``register_schema(..., name=...)``)."""
    catalog = importlib.import_module("llama_stack.strong_typing.schema").JsonSchemaGenerator.type_catalog
    return [(tp, entry.identifier) for tp, entry in catalog._by_type.items() if not isinstance(tp, type)]


def _as_fastapi_serves(spec: dict[str, Any]) -> dict[str, Any]:
    """Pass the document through FastAPI's OpenAPI model as the server's ``app.openapi()`` does: it
    checks the structure and drops null values (``default: null``), so schemas read like the served ones."""
    encoders = importlib.import_module("fastapi.encoders")
    models = importlib.import_module("fastapi.openapi.models")
    encoded: dict[str, Any] = encoders.jsonable_encoder(models.OpenAPI(**spec), by_alias=True, exclude_none=True)
    return encoded


def main(argv: list[str]) -> None:
    walker = _load_walker()
    wanted = set(argv)
    resolver = importlib.import_module("llama_stack.core.resolver")
    tools = importlib.import_module("llama_stack.apis.tools")
    inference = importlib.import_module("llama_stack.apis.inference")
    apis: dict[str, list[type]] = {}
    for api, protocol in resolver.api_protocol_map().items():
        if api.value in wanted:
            apis[api.value] = [protocol]
    if "tool_runtime" in apis:
        # The server's routes.py adds the RAG tool's sub-protocol to the tool_runtime API.
        apis["tool_runtime"].append(tools.RAGToolRuntime)
    missing = wanted - set(apis)
    if missing:
        raise SystemExit(f"unknown APIs for {PACKAGE}: {sorted(missing)}")
    options = walker.WalkOptions(
        title="Llama Stack",
        version=importlib.metadata.version(PACKAGE),
        # core/server/routes.py: GET and DELETE as declared, every other method as POST.
        served_methods=frozenset({"GET", "DELETE", "POST"}),
        fallback_method="POST",
        named_types=_named_types(),
        # The server streams openai_completion when the request sets stream=true
        # (server.is_streaming_request), though the protocol only declares OpenAICompletion.
        stream_overrides={"openai_completion": inference.OpenAICompletion},
        raw_media_type="application/octet-stream",
        tags={api: protocols[0].__name__ for api, protocols in apis.items()},
        parameter_locations={
            # The server's ConversationServiceImpl.list takes these untyped (openai-client style
            # NOT_GIVEN defaults), so FastAPI reads them all from the query string.
            "list.include": ("Query", "ConversationServiceImpl.list declares it untyped: FastAPI reads the query"),
        },
    )
    result = walker.walk(apis, options)
    document: dict[str, Any] = {
        "spec": _as_fastapi_serves(result.spec),
        "operations_by_api": result.operations_by_api,
        "notes": [{"what": n.what, "why": n.why} for n in result.notes],
        "source": {
            "package": PACKAGE,
            "version": importlib.metadata.version(PACKAGE),
            "style": "webmethods",
            "toolchain": {name: importlib.metadata.version(name) for name in TOOLCHAIN},
        },
    }
    json.dump(document, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
