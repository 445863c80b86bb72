"""core/profiles.py: API groups (``--api``): each operation of every committed spec has one; the groups are stable."""

from __future__ import annotations

from collections import Counter

import pytest

from conformance.core.errors import UsageError
from conformance.core.profiles import (
    IMPLIED_APIS,
    PROFILES,
    check_api_names,
    get_profile,
    known_apis,
    parse_apis,
)
from conformance.spec.loader import read_spec
from conformance.spec.operations import iter_operations


@pytest.mark.parametrize("profile_id", sorted(PROFILES))
def test_every_operation_of_the_spec_has_one_of_the_profiles_api_groups(profile_id: str) -> None:
    profile = get_profile(profile_id)
    operations = list(iter_operations(read_spec(profile.spec_path)))
    groups = Counter(profile.api_of(op.label) for op in operations)
    assert sum(groups.values()) == len(operations)
    # The operations per group are pinned by the README's generated table (tests/unit/spec/
    # test_profile_tables.py): a re-export that renames or splits a group changes a committed file.
    assert profile.apis == tuple(sorted(groups)), "Profile.apis lists exactly the groups of its spec, sorted"
    assert set(profile.apis) >= IMPLIED_APIS


@pytest.mark.parametrize(
    ("operation", "api"),
    [
        ("POST /v1/chat/completions", "chat"),
        ("GET /v1/chat/completions/{completion_id}/messages", "chat"),
        ("GET /v1/responses/resp_0123456789/input_items", "responses"),
        ("POST /v1/conversations", "conversations"),
        ("GET /v1/vector_stores/{vector_store_id}/files", "vector-stores"),
        ("POST /v1alpha/agents/{agent_id}/session", "agents"),
        ("POST /v1/files", "files"),
        ("GET /v1/models/fake/conformance-chat", "models"),
        ("POST /v1/embeddings", "embeddings"),
        ("GET /v1/health", "inspect"),
        ("GET /v1/version", "inspect"),
        ("POST /v1alpha/inference/rerank", "rerank"),
        ("POST /v1/openai/v1/chat/completions", "chat"),
        ("/v1/responses?limit=2", "responses"),
        ("GET /v1alpha/admin/providers", "admin"),
        ("POST /v1alpha/file-processors/jobs", "file-processors"),
    ],
)
def test_an_operations_api_is_the_first_path_segment_after_the_version(operation: str, api: str) -> None:
    assert get_profile("ogx-1.5").api_of(operation) == api


def test_selecting_apis_always_adds_models_and_refuses_what_the_profile_lacks() -> None:
    profile = get_profile("ogx-1.5")
    assert profile.select_apis(()) == frozenset()
    assert profile.select_apis(("chat", "responses")) == {"chat", "responses", "models"}
    with pytest.raises(UsageError, match=r"profile ogx-1.5 has no API 'agents' \(its APIs: admin, chat, "):
        profile.select_apis(("chat", "agents"))
    assert "agents" in get_profile("llama-stack-0.3").select_apis(("agents",))


def test_api_names_are_comma_separated_repeatable_and_checked_against_every_profile() -> None:
    assert parse_apis(("responses,chat", " Chat ", "files")) == ("chat", "files", "responses")
    assert parse_apis(()) == ()
    with pytest.raises(UsageError) as raised:
        check_api_names(parse_apis(("chat,vectorstores",)))
    assert raised.value.message == f"unknown API 'vectorstores' for --api (known: {', '.join(known_apis())})"
    assert "\n" not in raised.value.message
