"""Baselines: findings a team already knows about, keyed by (check id, operation).

A baseline lets a run pass while known findings remain and fails it when they disappear (stale
entries), so it never silently outlives the bug it excuses. The file is YAML meant to be reviewed::

    version: 1
    profile: ogx-1.5
    server: ogx==1.5.0
    entries:
      - check: error-unknown-id-404
        operation: GET /v1/files/{file_id}
        reason: upstream issue 1234

``execute()`` takes :attr:`Baseline.keys`; :func:`write_baseline` snapshots a run's gating findings,
keeping the reasons already written for entries that remain.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from conformance.core.errors import UsageError
from conformance.core.results import RunResult

__all__ = ["Baseline", "BaselineEntry", "load_baseline", "write_baseline"]

_HEADER = (
    "# Known findings, keyed by (check, operation). A listed finding does not fail the run; an entry\n"
    "# that no longer occurs is stale and does (unless --allow-stale). Written by --write-baseline:\n"
    "# say why each entry is expected in its reason (what the server does, why it is still accepted,\n"
    "# the upstream issue); 'observed' is what the run that wrote it saw.\n"
)


class BaselineEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str = Field(min_length=1, description="Check or diff-rule id.")
    operation: str = Field(min_length=1, description="'METHOD /path/template' or a scenario name.")
    reason: str = Field(default="", description="Why this finding is expected, written by a person (an issue link, a decision).")
    observed: str = Field(default="", description="What the run that wrote the entry saw (the finding's message).")

    @property
    def key(self) -> tuple[str, str]:
        return (self.check, self.operation)


class Baseline(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    profile: str | None = None
    server: str | None = None
    entries: tuple[BaselineEntry, ...] = ()

    @property
    def keys(self) -> tuple[tuple[str, str], ...]:
        return tuple(entry.key for entry in self.entries)


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
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


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; anything malformed is a usage error naming the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"baseline {path}: cannot read it ({exc.strerror or exc})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise UsageError(f"baseline {path}{where}: not valid YAML ({exc.problem or exc.context})") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"baseline {path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise UsageError(f"baseline {path}, line 1: expected a mapping with 'version' and 'entries'")
    try:
        baseline = Baseline.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        field = ".".join(str(p) for p in loc) or "(top level)"
        raise UsageError(f"baseline {path}, line {_line_of(node, loc)}: {field}: {error['msg']}") from None
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(baseline.entries):
        if entry.key in seen:
            line = _line_of(node, ("entries", index))
            raise UsageError(f"baseline {path}, line {line}: duplicate entry {entry.check} on {entry.operation}")
        seen.add(entry.key)
    return baseline


def write_baseline(result: RunResult, path: Path) -> Baseline:
    """Write the run's gating findings as a baseline, sorted, keeping the reasons of ``path``'s entries.

    Every entry records what was ``observed`` (the first finding of its key). A new entry's ``reason``
    is left empty: why a finding is acceptable is for a person to write, not for the tool to guess.
    """
    reasons = {e.key: e.reason for e in load_baseline(path).entries if e.reason} if path.exists() else {}
    observed = {f.key: f.message for f in reversed(result.findings) if result.gates(f)}
    keys = sorted(observed)
    target = result.target
    server = "==".join(p for p in (target.server, target.version) if p) or None
    baseline = Baseline(
        profile=target.profile,
        server=server,
        entries=tuple(
            BaselineEntry(check=c, operation=o, reason=reasons.get((c, o), ""), observed=observed[(c, o)])
            for c, o in keys
        ),
    )
    document = baseline.model_dump(mode="json")
    text = _HEADER + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return baseline
