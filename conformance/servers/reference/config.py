"""Run configurations for the reference servers.

Every reference stores its state in sqlite under a fresh state directory, sends inference to our
deterministic model server through the ``remote::openai`` provider, and binds 127.0.0.1 only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from conformance.servers.model import EMBEDDING_MODEL
from conformance.servers.reference.releases import Release

__all__ = ["EMBEDDING_DIMENSION", "MODEL_PROVIDER_ID", "build_run_config", "write_run_config"]

MODEL_PROVIDER_ID = "deterministic"
"""Models of the backend are registered as ``deterministic/<model>``."""
EMBEDDING_DIMENSION = 8


def _provider(provider_id: str, provider_type: str, config: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [{"provider_id": provider_id, "provider_type": provider_type, "config": config or {}}]


def _kv(namespace: str) -> dict[str, str]:
    return {"namespace": namespace, "backend": "kv_default"}


def _sql(table: str) -> dict[str, str]:
    return {"table_name": table, "backend": "sql_default"}


def build_run_config(release: Release, *, state_dir: Path, model_base_url: str, port: int) -> dict[str, Any]:
    """The run configuration for ``release`` as a plain dict (YAML-ready)."""
    persistence = {"agent_state": _kv("agents"), "responses": _sql("responses")}
    providers: dict[str, list[dict[str, Any]]] = {
        "inference": _provider(
            MODEL_PROVIDER_ID, "remote::openai", {"api_key": "conformance-not-a-secret", "base_url": model_base_url}
        ),
        "vector_io": _provider("faiss", "inline::faiss", {"persistence": _kv("vector_io::faiss")}),
        "files": _provider(
            "localfs",
            "inline::localfs",
            {"storage_dir": str(state_dir / "files"), "metadata_store": _sql("files_metadata")},
        ),
    }
    stores: dict[str, Any] = {
        "metadata": _kv("registry"),
        "inference": _sql("inference_store"),
        "conversations": _sql("openai_conversations"),
    }
    config: dict[str, Any] = {"version": 2}
    registered: dict[str, Any] = {
        "models": [
            {
                "model_id": EMBEDDING_MODEL,
                "provider_id": MODEL_PROVIDER_ID,
                "provider_model_id": EMBEDDING_MODEL,
                "model_type": "embedding",
                "metadata": {"embedding_dimension": EMBEDDING_DIMENSION},
            }
        ]
    }
    if release.legacy_agents:
        config["image_name"] = "conformance-reference"
        apis = ["agents", "files", "inference", "safety", "tool_runtime", "vector_io"]
        providers["tool_runtime"] = _provider("rag-runtime", "inline::rag-runtime")
        providers["agents"] = _provider("meta-reference", "inline::meta-reference", {"persistence": persistence})
        providers["safety"] = _provider("llama-guard", "inline::llama-guard", {"excluded_categories": []})
        # 0.3.0 serves the Responses `file_search` tool through the `knowledge_search` tool of this
        # group; unregistered, every file_search request is a 400 "Tool 'knowledge_search' not found".
        registered["tool_groups"] = [{"toolgroup_id": "builtin::rag", "provider_id": "rag-runtime"}]
    else:
        config["distro_name"] = "conformance-reference"
        apis = ["files", "inference", "responses", "tool_runtime", "vector_io"]
        providers["tool_runtime"] = _provider("file-search", "inline::file-search")
        providers["responses"] = _provider("builtin", "inline::builtin", {"persistence": persistence})
        stores["prompts"] = _kv("prompts")
        stores["connectors"] = _kv("connectors")
    if release.file_processor:
        apis.append("file_processors")
        providers["file_processors"] = _provider(release.file_processor.split("::")[-1], release.file_processor)
    config.update(
        {
            "apis": sorted(apis),
            "providers": providers,
            "storage": {
                "backends": {
                    "kv_default": {"type": "kv_sqlite", "db_path": str(state_dir / "kv.db")},
                    "sql_default": {"type": "sql_sqlite", "db_path": str(state_dir / "sql.db")},
                },
                "stores": stores,
            },
            # Chat models are discovered from the backend's /v1/models; an embedding model must be
            # registered explicitly with its dimension (shared/upstream-servers.md).
            "registered_resources": registered,
            # Without a default, a vector store created the OpenAI way (a name, no embedding_model)
            # is a 400 "Model 'None' not found" on OGX 1.5.0 and llama-stack 0.7.3. All three
            # releases read this section (0.3.0 takes provider_id and model_id only).
            "vector_stores": {
                "default_embedding_model": {"provider_id": MODEL_PROVIDER_ID, "model_id": EMBEDDING_MODEL}
            },
            "server": {"host": "127.0.0.1", "port": port},
        }
    )
    return config


def write_run_config(release: Release, *, state_dir: Path, model_base_url: str, port: int) -> Path:
    path = state_dir / "run.yaml"
    config = build_run_config(release, state_dir=state_dir, model_base_url=model_base_url, port=port)
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
