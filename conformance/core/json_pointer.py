"""JSON Pointers (RFC 6901) and the local references (``#/components/schemas/X``) built from them.

One walker for every document we follow references in: OpenAPI specs (``spec.refs``), the response
schemas the diff reads enums from, and the JSON Schemas the model server fills in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["resolve_local_ref", "resolve_pointer"]


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value ``pointer`` names in ``document`` (``""`` is the whole document); ``KeyError`` when
    it names nothing.

    Tokens are unescaped (``~1`` is ``/``, ``~0`` is ``~``); a token indexes an array when it is a
    decimal index inside it.
    """
    if pointer == "":
        return document
    if not pointer.startswith("/"):
        raise KeyError(f"not a JSON pointer: {pointer!r}")
    node: Any = document
    for escaped in pointer[1:].split("/"):
        token = escaped.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(pointer)
    return node


def resolve_local_ref(document: Any, ref: str) -> Any:
    """The value a local reference (``#`` or ``#/a/b``, a pointer in URI fragment form) names;
    ``KeyError`` when it names nothing or is not local (remote references are never fetched)."""
    if not ref.startswith("#"):
        raise KeyError(f"not a local reference: {ref}")
    try:
        return resolve_pointer(document, ref[1:])
    except KeyError:
        raise KeyError(ref) from None
