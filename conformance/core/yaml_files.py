"""Reading the YAML files users write (baselines, profile.yaml, scenarios) into pydantic models.

Every such file is the user's input: anything wrong with it is one :class:`UsageError` line naming
the file, the line and the field (``baseline known.yaml, line 12: entries.3.reason: ...``), never a
traceback. The YAML node tree is kept so that a validation error points at the line it is about.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from conformance.core.errors import UsageError

__all__ = ["YamlFile", "line_of", "read_user_text", "read_yaml_file", "yaml_error"]


class YamlFile:
    """One parsed file: its data, its node tree (for line numbers) and how messages name it."""

    def __init__(self, label: str, data: Any, node: yaml.Node | None) -> None:
        self.label = label
        """``baseline PATH``, ``scenario PATH``, ...: how every message starts."""
        self.data = data
        self.node = node

    def line(self, loc: tuple[int | str, ...]) -> int | None:
        return line_of(self.node, loc)

    def error(self, message: str, loc: tuple[int | str, ...] = ()) -> UsageError:
        line = self.line(loc)
        where = f", line {line}" if line is not None else ""
        return UsageError(f"{self.label}{where}: {message}")

    def validate[M: BaseModel](self, model: type[M], *, expected: str) -> M:
        """The data as ``model``; ``expected`` says what the top level should be (``a mapping with 'id'``)."""
        if not isinstance(self.data, dict):
            raise self.error(f"expected {expected}")
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = tuple(first["loc"])
            field = ".".join(str(p) for p in loc) or "(top level)"
            message = str(first["msg"]).removeprefix("Value error, ")
            raise self.error(f"{field}: {message}", loc) from None


def read_user_text(path: Path, label: str) -> str:
    """The text of a file the user gave; unreadable or not UTF-8 is a usage error starting with ``label``."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{label}: cannot read it ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{label}: not UTF-8 text") from None


def read_yaml_file(path: Path, *, kind: str) -> YamlFile:
    """Read and parse ``path`` (a ``kind`` such as ``baseline``); unreadable or invalid YAML is a usage error."""
    label = f"{kind} {path}"
    text = read_user_text(path, label)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise yaml_error(label, exc) from None
    return YamlFile(label, data, node)


def yaml_error(label: str, exc: yaml.YAMLError) -> UsageError:
    """One line for a YAML syntax error: ``LABEL, line L, column C: not valid YAML (problem)``."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return UsageError(f"{label}{where}: not valid YAML ({exc.problem or exc.context})")
    return UsageError(f"{label}: not valid YAML ({exc})")


def line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the YAML node at pydantic location ``loc`` (or of its nearest parent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line
