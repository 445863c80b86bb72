"""Walking ``$ref``s inside an OpenAPI document: finding them, checking they resolve, rewriting them.

Resolving one is :func:`conformance.core.json_pointer.resolve_local_ref`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from conformance.core.json_pointer import resolve_local_ref

__all__ = ["SCHEMA_PREFIX", "dangling_refs", "iter_refs", "rewrite_refs", "schema_ref"]

SCHEMA_PREFIX = "#/components/schemas/"


def schema_ref(name: str) -> dict[str, str]:
    return {"$ref": SCHEMA_PREFIX + name}


def iter_refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` value under ``node``, and the targets of discriminator mappings (also references)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            elif key == "discriminator" and isinstance(value, dict):
                yield from (v for v in value.get("mapping", {}).values() if isinstance(v, str))
            else:
                yield from iter_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from iter_refs(value)


def dangling_refs(document: dict[str, Any]) -> list[str]:
    """Local references that point nowhere, sorted."""
    missing = set()
    for ref in set(iter_refs(document)):
        try:
            resolve_local_ref(document, ref)
        except KeyError:
            missing.add(ref)
    return sorted(missing)


def rewrite_refs(node: Any, rewrite: Callable[[str], str]) -> Any:
    """A deep copy of ``node`` with every reference (and discriminator mapping target) rewritten."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = rewrite(value)
            elif key == "discriminator" and isinstance(value, dict) and isinstance(value.get("mapping"), dict):
                mapping = {k: rewrite(v) if isinstance(v, str) else v for k, v in value["mapping"].items()}
                out[key] = {**value, "mapping": mapping}
            else:
                out[key] = rewrite_refs(value, rewrite)
        return out
    if isinstance(node, list):
        return [rewrite_refs(value, rewrite) for value in node]
    return node
