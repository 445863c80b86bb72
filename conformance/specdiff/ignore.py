"""The ignore file: changes a release makes on purpose, keyed by (rule id, operation), each with a reason.

```yaml
- rule: response-property-removed
  operation: GET /v1/conversations/{conversation_id}
  reason: items was never filled in; OGX dropped it on purpose
```

An unknown rule id, or an entry without a reason, is a usage error naming the file and line.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, RootModel, ValidationError, field_validator

from conformance.core.yaml_files import read_yaml_file
from conformance.specdiff.model import Change
from conformance.specdiff.rules import RULES

__all__ = ["IgnoreEntry", "read_ignore_file", "split_ignored"]


class IgnoreEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    operation: str
    reason: str

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        if value not in {rule.id for rule in RULES}:
            raise ValueError(f"unknown spec-diff rule {value!r}")
        return value

    @field_validator("reason")
    @classmethod
    def _has_reason(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a reason is required")
        return value


class _IgnoreFile(RootModel[list[IgnoreEntry]]):
    pass


def read_ignore_file(path: Path) -> list[IgnoreEntry]:
    """The entries of ``path``; anything wrong with it is one usage-error line (exit 2)."""
    file = read_yaml_file(path, kind="ignore file")
    if file.data is None:
        return []
    if not isinstance(file.data, list):
        raise file.error("expected a list of entries with rule, operation and reason")
    try:
        return _IgnoreFile.model_validate(file.data).root
    except ValidationError as exc:  # name the entry and its line
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise file.error(f"{'.'.join(str(p) for p in loc)}: {message}", loc) from None


def split_ignored(changes: list[Change], entries: list[IgnoreEntry]) -> tuple[list[Change], list[Change]]:
    """(changes that count, changes the file ignores)."""
    keys = {(entry.rule, entry.operation) for entry in entries}
    kept = [change for change in changes if change.key not in keys]
    ignored = [change for change in changes if change.key in keys]
    return kept, ignored
