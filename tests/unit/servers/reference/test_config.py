from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conformance.servers.reference.config import EMBEDDING_DIMENSION, MODEL_PROVIDER_ID, write_run_config
from conformance.servers.reference.releases import RELEASES, get_release

MODEL_URL = "http://127.0.0.1:9999/v1"


def _config(release_id: str, tmp_path: Path) -> dict:
    path = write_run_config(get_release(release_id), state_dir=tmp_path, model_base_url=MODEL_URL, port=4321)
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize("release_id", list(RELEASES))
def test_every_release_binds_localhost_and_uses_the_deterministic_backend(release_id: str, tmp_path: Path) -> None:
    config = _config(release_id, tmp_path)
    assert config["server"] == {"host": "127.0.0.1", "port": 4321}
    (inference,) = config["providers"]["inference"]
    assert inference["provider_type"] == "remote::openai"
    assert inference["provider_id"] == MODEL_PROVIDER_ID
    assert inference["config"]["base_url"] == MODEL_URL
    (embedding,) = config["registered_resources"]["models"]
    assert embedding["model_type"] == "embedding"
    assert embedding["metadata"] == {"embedding_dimension": EMBEDDING_DIMENSION}


@pytest.mark.parametrize("release_id", list(RELEASES))
def test_all_state_lives_in_the_fresh_state_directory(release_id: str, tmp_path: Path) -> None:
    config = _config(release_id, tmp_path)
    backends = config["storage"]["backends"]
    assert {b["type"] for b in backends.values()} == {"kv_sqlite", "sql_sqlite"}
    for backend in backends.values():
        assert Path(backend["db_path"]).parent == tmp_path
    (files,) = config["providers"]["files"]
    assert Path(files["config"]["storage_dir"]).is_relative_to(tmp_path)


def test_llama_stack_0_3_serves_the_agents_api(tmp_path: Path) -> None:
    config = _config("llama-stack==0.3.0", tmp_path)
    assert config["image_name"] == "conformance-reference"
    assert "distro_name" not in config
    assert set(config["apis"]) == {"agents", "safety", "inference", "vector_io", "tool_runtime", "files"}
    assert config["providers"]["agents"][0]["provider_type"] == "inline::meta-reference"
    assert config["providers"]["tool_runtime"][0]["provider_type"] == "inline::rag-runtime"
    assert "prompts" not in config["storage"]["stores"]


@pytest.mark.parametrize("release_id", ["ogx==1.5.0", "llama-stack==0.7.3"])
def test_newer_releases_serve_responses_through_the_builtin_provider(release_id: str, tmp_path: Path) -> None:
    config = _config(release_id, tmp_path)
    assert config["distro_name"] == "conformance-reference"
    file_processors = {"file_processors"} if release_id == "ogx==1.5.0" else set()
    assert set(config["apis"]) == {"inference", "responses", "vector_io", "tool_runtime", "files"} | file_processors
    assert config["providers"]["responses"][0]["provider_type"] == "inline::builtin"
    assert config["providers"]["tool_runtime"][0]["provider_type"] == "inline::file-search"
    assert {"prompts", "connectors"} <= set(config["storage"]["stores"])


@pytest.mark.parametrize("release_id", list(RELEASES))
def test_vector_stores_default_to_the_registered_embedding_model(release_id: str, tmp_path: Path) -> None:
    config = _config(release_id, tmp_path)
    default = config["vector_stores"]["default_embedding_model"]
    (embedding,) = config["registered_resources"]["models"]
    assert (default["provider_id"], default["model_id"]) == (embedding["provider_id"], embedding["model_id"])


@pytest.mark.parametrize(("release_id", "processor"), [("ogx==1.5.0", "inline::pypdf"), ("llama-stack==0.7.3", None)])
def test_ogx_ingests_vector_store_files_through_a_file_processor(
    release_id: str, processor: str | None, tmp_path: Path
) -> None:
    config = _config(release_id, tmp_path)
    providers = config["providers"].get("file_processors", [])
    assert [p["provider_type"] for p in providers] == ([processor] if processor else [])
    assert ("file_processors" in config["apis"]) is (processor is not None)


@pytest.mark.parametrize("release_id", list(RELEASES))
def test_the_legacy_release_registers_the_rag_tool_group_its_file_search_calls(release_id: str, tmp_path: Path) -> None:
    config = _config(release_id, tmp_path)
    groups = config["registered_resources"].get("tool_groups", [])
    if release_id == "llama-stack==0.3.0":
        assert groups == [{"toolgroup_id": "builtin::rag", "provider_id": "rag-runtime"}]
        assert config["providers"]["tool_runtime"][0]["provider_id"] == "rag-runtime"
    else:
        assert groups == []
