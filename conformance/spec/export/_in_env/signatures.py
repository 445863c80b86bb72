"""How the webmethod walker reads signatures, annotations and docstrings, and generates their schemas.

Plain rules over Python typing objects and pydantic; part of the walker in ``webmethods.py`` (same
constraints: imports nothing of ours, runs in the upstream environment and in our tests).
"""

from __future__ import annotations

import enum
import inspect
import re
import types
import typing
from collections.abc import AsyncIterable, AsyncIterator, Mapping, Sequence
from typing import Any, Literal, TypeAliasType, Union

from pydantic import BaseModel, TypeAdapter
from pydantic_core import to_jsonable_python

__all__ = [
    "NO_JSON",
    "REF_TEMPLATE",
    "SchemaBook",
    "fill",
    "is_raw_response",
    "is_scalar",
    "jsonable_default",
    "parse_docstring",
    "split_return",
    "strip_fastapi",
    "unwrap",
    "without_omitted",
]

REF_TEMPLATE = "#/components/schemas/{model}"
_FASTAPI_KINDS = ("File", "Form", "Body", "Query", "Path", "Header", "Cookie")
_SCALARS: tuple[type, ...] = (str, int, float, bool, bytes)
_OMITTED = ("NotGiven", "Omit")
"""openai-python sentinels used as 'not given' defaults; they are never sent over HTTP."""


# ------------------------------------------------------------------------------------------- docstrings


def parse_docstring(doc: str | None) -> tuple[str, str, dict[str, str], str]:
    """``(summary, description, {param: text}, returns)`` from a reST-style docstring."""
    if not doc:
        return "", "", {}, ""
    head: list[str] = []
    fields: list[list[str]] = []  # each: [kind, name, text...]
    for line in inspect.cleandoc(doc).splitlines():
        stripped = line.strip()
        match = re.match(r":(\w+)\s*(\w*)\s*:\s*(.*)", stripped)
        if match:
            fields.append(list(match.groups()))
        elif fields:
            if stripped:
                fields[-1].append(stripped)
        else:
            head.append(line)
    params = {f[1]: " ".join(x for x in f[2:] if x) for f in fields if f[0] == "param" and f[1]}
    returns = next((" ".join(x for x in f[2:] if x) for f in fields if f[0] in ("return", "returns")), "")
    paragraphs = [p.strip() for p in "\n".join(head).strip().split("\n\n") if p.strip()]
    summary = " ".join(paragraphs[0].split()) if paragraphs else ""
    return summary, "\n\n".join(paragraphs[1:]), params, returns


# ------------------------------------------------------------------------------------------- types


def strip_fastapi(annotation: Any) -> tuple[Any, str | None, Any]:
    """``(annotation without FastAPI metadata, FastAPI kind or None, the FastAPI metadata)``."""
    if typing.get_origin(annotation) is not typing.Annotated:
        return annotation, None, None
    base, *metadata = typing.get_args(annotation)
    kind, marker, kept = None, None, []
    for meta in metadata:
        names = {cls.__name__ for cls in type(meta).__mro__}
        found = next((k for k in _FASTAPI_KINDS if k in names), None)
        if found and kind is None:
            kind, marker = found, meta
        elif not found:
            kept.append(meta)
    stripped = typing.Annotated[(base, *kept)] if kept else base
    return stripped, kind, marker


def without_omitted(annotation: Any) -> Any:
    """Drop openai ``NotGiven``/``Omit`` members from a union: they mean 'absent' on the wire."""
    args = typing.get_args(annotation)
    if _is_union(annotation) and any(_is_omitted(a) for a in args):
        kept = tuple(a for a in args if not _is_omitted(a))
        return kept[0] if len(kept) == 1 else Union[kept]  # noqa: UP007  (a runtime tuple)
    return annotation


def _is_omitted(tp: Any) -> bool:
    return isinstance(tp, type) and tp.__name__ in _OMITTED


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (Union, types.UnionType)


def unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated or isinstance(tp, TypeAliasType):
        tp = tp.__value__ if isinstance(tp, TypeAliasType) else typing.get_args(tp)[0]
    return tp


def is_scalar(tp: Any) -> bool:
    tp = unwrap(tp)
    if tp is type(None):
        return True
    if _is_union(tp):
        return all(is_scalar(a) for a in typing.get_args(tp))
    if typing.get_origin(tp) is Literal:
        return True
    if not isinstance(tp, type):
        return False
    return issubclass(tp, (*_SCALARS, enum.Enum)) or tp.__module__ in ("datetime", "uuid")


def split_return(annotation: Any) -> tuple[Any, Any]:
    """``(json part or NO_JSON, stream item or None)`` of a return annotation."""
    members = typing.get_args(annotation) if _is_union(annotation) else (annotation,)
    stream = [m for m in members if typing.get_origin(m) in (AsyncIterator, AsyncIterable)]
    rest = tuple(m for m in members if m not in stream)
    item = typing.get_args(stream[0])[0] if stream else None
    if not rest:
        return NO_JSON, item
    return (rest[0] if len(rest) == 1 else Union[rest]), item  # noqa: UP007


NO_JSON = object()


def jsonable_default(value: Any) -> tuple[bool, Any]:
    if value is inspect.Parameter.empty or _is_omitted(type(value)) or value is Ellipsis:
        return False, None
    try:
        return True, to_jsonable_python(value)
    except Exception:
        return False, None


# ------------------------------------------------------------------------------------------- schemas


class SchemaBook:
    """Collects every type the document needs and generates them in one pydantic pass.

    One pass keeps component names consistent (pydantic disambiguates clashing model names and
    splits ``-Input``/``-Output`` variants only when it sees all uses together).
    """

    def __init__(self, named_types: Sequence[tuple[object, str]]) -> None:
        self._inputs: list[tuple[int, Literal["validation", "serialization"], TypeAdapter[Any]]] = []
        self._named = list(named_types)
        self._aliases: dict[str, TypeAliasType] = {}

    def slot(self, tp: Any, mode: Literal["validation", "serialization"]) -> dict[str, Any]:
        key = len(self._inputs)
        self._inputs.append((key, mode, TypeAdapter(self._name(tp))))
        return {"$slot": key}

    def _name(self, tp: Any) -> Any:
        if isinstance(tp, type):
            return tp
        for candidate, name in self._named:
            if candidate is tp or _safe_eq(candidate, tp):
                if name not in self._aliases:
                    self._aliases[name] = TypeAliasType(name, tp)
                return self._aliases[name]
        return tp

    def generate(self) -> tuple[dict[int, dict[str, Any]], dict[str, Any]]:
        if not self._inputs:
            return {}, {}
        by_key, defs = TypeAdapter.json_schemas(self._inputs, ref_template=REF_TEMPLATE)
        return {key: schema for (key, _mode), schema in by_key.items()}, dict(defs.get("$defs", {}))


def _safe_eq(a: object, b: object) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return False


def fill(node: Any, slots: Mapping[int, dict[str, Any]]) -> Any:
    if isinstance(node, dict):
        if set(node) == {"$slot"}:
            return slots[node["$slot"]]
        merged = {k: fill(v, slots) for k, v in node.items() if k != "$slot"}
        if "$slot" in node:  # a slot with extra keys (description, default): merge them in
            return {**slots[node["$slot"]], **merged}
        return merged
    if isinstance(node, list):
        return [fill(v, slots) for v in node]
    return node


def is_raw_response(tp: Any) -> bool:
    """A framework ``Response`` object (not a pydantic model): the body is whatever it carries."""
    return isinstance(tp, type) and not issubclass(tp, BaseModel) and tp.__name__.endswith("Response")
