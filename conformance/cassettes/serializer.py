"""Cassette text: YAML to a plain document (dicts and lists) and back, and nothing else.

Like vcrpy's ``serializers/yamlserializer.py``: loading is ``yaml.safe_load`` (no python tags, as
vcrpy's own loader refuses them); dumping writes multi-line strings (SSE streams) as literal blocks,
so a cassette reads like the wire, keeps the document's key order and never folds a long line.
What the document means is ``cassettes.model``'s business.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

__all__ = ["CassetteSyntaxError", "deserialize", "line_of", "serialize"]

# libyaml's safe loader when PyYAML has it (as spec/loader.py): the same documents, several times
# faster, which the mock server's start-up (it reads every cassette of a profile) needs.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CassetteSyntaxError(ValueError):
    """The text is not YAML; ``where`` is ``:line:column`` (1-based) when the parser says."""

    def __init__(self, problem: str, where: str = "") -> None:
        super().__init__(f"{where}: {problem}" if where else problem)
        self.problem = problem
        self.where = where


def deserialize(text: str) -> Any:
    """The YAML document ``text`` holds; :class:`CassetteSyntaxError` when it is not YAML."""
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CassetteSyntaxError(problem, where) from None


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (SSE streams) as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def serialize(document: dict[str, Any]) -> str:
    """``document`` as YAML text, keys in the document's order."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000)


def line_of(text: str, loc: Sequence[int | str]) -> int | None:
    """1-based line of the deepest YAML node on ``loc`` (best effort: ``None`` if it cannot tell)."""
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line
