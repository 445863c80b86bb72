"""core/profiles.py: the profile table's id formats agree with the ids the references generated."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from conformance.cassettes.store import load_profile_cassettes
from conformance.core.profiles import PROFILES, Profile

# The id parameter an object's own ``id`` is, by the object's ``object`` type.
_ID_OF_OBJECT = {
    "response": "response_id",
    "conversation": "conversation_id",
    "file": "file_id",
    "vector_store": "vector_store_id",
    "vector_store.file_batch": "batch_id",
    "chat.completion": "completion_id",
}


def _json_payloads(body: str) -> Iterator[Any]:
    """A recorded body as JSON, or each SSE ``data:`` payload of a stream."""
    try:
        yield json.loads(body)
    except ValueError:
        for line in body.splitlines():
            if line.startswith("data:") and line[5:].strip().startswith("{"):
                yield json.loads(line[5:])


# The file processors give each search hit the chunked document's uuid as ``file_id`` (the file's real
# ``file-…`` id is under ``attributes.file_id``), in a vector store search, in a response's
# ``file_search_call`` results and in the ``file_citation`` annotations OGX 1.5.0 makes of them alike:
# an upstream deviation, not a format.
_NOT_IDS_OF_THEIR_NAME = {
    ("vector_store.search_results.page", "file_id"),
    ("file_search_call", "file_id"),
    ("file_citation", "file_id"),
}


def _ids(node: Any, container: str = "") -> Iterator[tuple[str, str]]:
    """(id parameter, value) for every id a server put in ``node``."""
    if isinstance(node, dict):
        container = str(node.get("object", node.get("type", container)))
        kind = _ID_OF_OBJECT.get(str(node.get("object")))
        if kind and isinstance(node.get("id"), str):
            yield kind, node["id"]
        for key, value in node.items():
            if isinstance(value, str) and key != "id":
                if (container, key) not in _NOT_IDS_OF_THEIR_NAME:
                    yield key, value
            elif key != "attributes":
                yield from _ids(value, container)
            else:
                yield from _ids(value)
    elif isinstance(node, list):
        for value in node:
            yield from _ids(value, container)


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=lambda p: p.id)
def test_profile_id_formats_match_the_ids_the_reference_generated(profile: Profile) -> None:
    formats = profile.id_formats
    checked: set[str] = set()
    for cassette in load_profile_cassettes(profile.recordings, profile.id):
        for interaction in cassette.interactions:
            if interaction.response.status >= 400:
                continue
            for payload in _json_payloads(interaction.response.body):
                for name, value in _ids(payload):
                    if name in formats:
                        checked.add(name)
                        where = f"{cassette.meta.scenario}/{interaction.step}"
                        assert re.fullmatch(formats[name], value), f"{where}: {name} {value!r} !~ {formats[name]!r}"
    assert {"response_id", "conversation_id", "file_id", "vector_store_id"} <= checked
    if profile.has_agents:
        assert {"agent_id", "session_id", "turn_id"} <= checked


def test_profile_id_formats_are_valid_regular_expressions() -> None:
    for profile in PROFILES.values():
        for name, pattern in profile.ids:
            assert re.compile(pattern).groups == 0, f"{profile.id}: {name} must not capture"
