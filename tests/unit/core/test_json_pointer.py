"""JSON pointers and local references: the one walker every layer follows ``$ref``s with."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.core.json_pointer import resolve_local_ref, resolve_pointer

DOCUMENT: dict[str, Any] = {
    "components": {"schemas": {"B": {"required": ["id"]}}},
    "a": {"b/c": [1, 2], "m~n": "tilde"},
    "$defs": {"node": {"type": "object"}},
}


def test_a_pointer_walks_objects_and_arrays_and_unescapes_tokens() -> None:
    assert resolve_pointer(DOCUMENT, "/components/schemas/B/required/0") == "id"
    assert resolve_pointer(DOCUMENT, "/a/b~1c/1") == 2
    assert resolve_pointer(DOCUMENT, "/a/m~0n") == "tilde"
    assert resolve_pointer(DOCUMENT, "") is DOCUMENT


@pytest.mark.parametrize("pointer", ["/components/schemas/Nope", "/a/b~1c/2", "/a/b~1c/x", "components"])
def test_a_pointer_to_nothing_is_a_key_error(pointer: str) -> None:
    with pytest.raises(KeyError):
        resolve_pointer(DOCUMENT, pointer)


def test_a_local_reference_is_a_pointer_in_fragment_form() -> None:
    assert resolve_local_ref(DOCUMENT, "#/components/schemas/B") == {"required": ["id"]}
    assert resolve_local_ref(DOCUMENT, "#/$defs/node") == {"type": "object"}
    assert resolve_local_ref(DOCUMENT, "#") is DOCUMENT  # the recursive reference to the root


@pytest.mark.parametrize("ref", ["#/components/schemas/Nope", "other.yaml#/a", "https://example.com/s.json"])
def test_a_dangling_or_remote_reference_is_a_key_error(ref: str) -> None:
    with pytest.raises(KeyError):
        resolve_local_ref(DOCUMENT, ref)
