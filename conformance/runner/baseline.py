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
      - check: positive_data_acceptance
        operations:
          - GET /v1/vector_stores/{vector_store_id}
          - GET /v1/chat/completions/{completion_id}
        reason: answers 400 instead of 404 for an unknown id (one cause, one reason)
      - check: sdk-openai-models-list
        operation: GET /v1/models
        also:
          - check: sdk-openai-models-retrieve
            operation: GET /v1/models/{model_id}
        reason: model objects without `id` break both SDK calls (one cause, several rules)

``execute()`` takes :attr:`Baseline.keys`; :func:`write_baseline` snapshots a run's gating findings,
keeping the reasons already written for entries that remain.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from conformance.core.results import RunResult
from conformance.core.yaml_files import read_yaml_file

__all__ = ["Baseline", "BaselineEntry", "load_baseline", "write_baseline"]

_HEADER = (
    "# Known findings, keyed by (check, operation). A listed finding does not fail the run; an entry\n"
    "# that no longer occurs is stale and does (unless --allow-stale). Written by --write-baseline:\n"
    "# say why each entry is expected in its reason (what the server does, why it is still accepted,\n"
    "# the upstream issue); 'observed' is what the run that wrote it saw.\n"
)


class AlsoBroken(BaseModel):
    """Another rule broken by the same cause as its entry, on one operation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str = Field(min_length=1)
    operation: str = Field(min_length=1)


class BaselineEntry(BaseModel):
    """One known deviation: a rule, the operations it is broken on, and why that is accepted.

    ``operation`` names one operation; ``operations`` several that share the same cause and reason
    (a server that answers 400 for every unknown id is one deviation, not one per endpoint). ``also``
    names other rules the same cause breaks (a model object without ``id`` breaks the SDK's listing and
    its retrieval alike): one cause, one entry, one reason.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str = Field(min_length=1, description="Check or diff-rule id.")
    operation: str | None = Field(default=None, min_length=1, description="'METHOD /path/template' or a scenario name.")
    operations: tuple[str, ...] = Field(default=(), description="Several operations sharing one cause and reason.")
    reason: str = Field(
        default="",
        description="Why this is expected, written by a person: what the server does, why it is accepted.",
    )
    also: tuple[AlsoBroken, ...] = Field(default=(), description="Other rules broken by the same cause.")
    observed: str = Field(default="", description="What the run that wrote the entry saw (the finding's message).")

    @model_validator(mode="after")
    def _one_way_to_name_operations(self) -> BaselineEntry:
        if (self.operation is None) == (not self.operations):
            raise ValueError("give either 'operation' or a non-empty 'operations' list")
        if any(not op.strip() for op in self.operations):
            raise ValueError("'operations' has an empty item")
        return self

    @property
    def names(self) -> tuple[str, ...]:
        return (self.operation,) if self.operation is not None else self.operations

    @property
    def keys(self) -> tuple[tuple[str, str], ...]:
        own = tuple((self.check, operation) for operation in self.names)
        return own + tuple((more.check, more.operation) for more in self.also)


class Baseline(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    profile: str | None = None
    server: str | None = None
    entries: tuple[BaselineEntry, ...] = ()

    @property
    def keys(self) -> tuple[tuple[str, str], ...]:
        return tuple(key for entry in self.entries for key in entry.keys)


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; anything malformed is a usage error naming the file and the line."""
    document = read_yaml_file(path, kind="baseline")
    baseline = document.validate(Baseline, expected="a mapping with 'version' and 'entries'")
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(baseline.entries):
        for key in entry.keys:
            if key in seen:
                raise document.error(f"duplicate entry {key[0]} on {key[1]}", ("entries", index))
            seen.add(key)
    return baseline


def write_baseline(result: RunResult, path: Path) -> Baseline:
    """Write the run's gating findings as a baseline, keeping what a person wrote in ``path``.

    An entry of ``path`` keeps its reason and its grouping for the operations that still occur (it is
    dropped when none does). A finding no entry covers becomes a new entry of its own, with what was
    ``observed`` and an empty ``reason``: why a finding is acceptable is for a person to write, not for
    the tool to guess.
    """
    previous = load_baseline(path).entries if path.exists() else ()
    observed = {f.key: f.message for f in reversed(result.findings) if result.gates(f)}
    entries: list[BaselineEntry] = []
    covered: set[tuple[str, str]] = set()
    for entry in previous:
        kept = [key for key in entry.keys if key in observed]
        if not kept:
            continue
        covered.update(kept)
        check = entry.check if any(c == entry.check for c, _ in kept) else kept[0][0]
        still = [op for c, op in kept if c == check]
        names: dict[str, Any] = {"operations": tuple(still)} if entry.operations else {"operation": still[0]}
        if len(still) > 1:
            names = {"operations": tuple(still)}
        also = tuple(AlsoBroken(check=c, operation=op) for c, op in kept if c != check)
        first = observed[(check, still[0])]
        entries.append(BaselineEntry(check=check, reason=entry.reason, observed=first, also=also, **names))
    entries += [
        BaselineEntry(check=c, operation=o, observed=observed[(c, o)]) for c, o in sorted(set(observed) - covered)
    ]
    entries.sort(key=lambda e: (e.check, e.names[0]))
    target = result.target
    server = "==".join(p for p in (target.server, target.version) if p) or None
    baseline = Baseline(profile=target.profile, server=server, entries=tuple(entries))
    document = baseline.model_dump(mode="json", exclude_defaults=True, exclude={"version"})
    text = _HEADER + yaml.safe_dump({"version": 1, **document}, sort_keys=False, allow_unicode=True, width=1000)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return baseline
