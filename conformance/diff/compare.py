"""The precomputed diff every rule reads: one deepdiff run and one stream summary per interaction.

Rules never diff anything themselves (oasdiff's design): :func:`compare` does all of the work once
and the rule handlers only read the :class:`Comparison`. Bodies are compared only when status and
media type agree; otherwise the status or content-type rule says everything worth saying.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from deepdiff import DeepDiff

from conformance.diff.normalize import DEFAULT_ENUM_KEYS, Strictness, normalize
from conformance.diff.observed import Observed

__all__ = ["Comparison", "StreamDelta", "compare", "known_enum_values"]


@dataclass(frozen=True, slots=True)
class StreamDelta:
    """Event types of both streams, each in order of first appearance, and how they differ."""

    recorded: tuple[str, ...]
    target: tuple[str, ...]
    missing: tuple[str, ...]
    added: tuple[str, ...]
    out_of_order: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    recorded: Observed
    target: Observed
    strictness: Strictness
    left: Any = None
    """Normalized recorded document (``None`` when bodies were not compared)."""
    right: Any = None
    shown_left: Any = None
    """The recorded document with only ids and timestamps masked: what messages and diffs show."""
    shown_right: Any = None
    tree: Mapping[str, Any] = field(default_factory=dict)
    """deepdiff's tree view of ``left`` -> ``right``: report type -> set of levels."""
    stream: StreamDelta | None = None
    enums: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Allowed values by property name, from the profile's spec."""
    known: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Values the recording itself used at enum-like keys (the fallback where the spec has no enum)."""
    required: frozenset[str] = frozenset()
    """Property names the spec requires in the operation's answers (a left-out ``null`` there breaks)."""

    @property
    def bodies_compared(self) -> bool:
        return self.left is not None

    def shown(self, level: Any) -> tuple[Any, Any]:
        """The recorded and target values at ``level``'s path, unmasked by strictness (for people)."""
        path = level.path(output_format="list")
        return _lookup(self.shown_left, path, level.t1), _lookup(self.shown_right, path, level.t2)

    def levels(self, report_type: str) -> list[Any]:
        """deepdiff levels of one report type, in path order (stable output)."""
        return sorted(self.tree.get(report_type, ()), key=lambda level: str(level.path()))

    def allowed(self, key: str, recorded: Any) -> frozenset[str] | None:
        """Values a client knows for ``key``: the spec's enum, else the recording's; ``None`` if not enum-like.

        Enums are indexed by property name, so a spec enum only counts where the recorded value is
        one of its members: an error's free-text ``detail`` is not the image ``detail`` enum.
        """
        if key in self.enums:
            return self.enums[key] if recorded in self.enums[key] else None
        if key in DEFAULT_ENUM_KEYS:
            return self.known.get(key, frozenset())
        return None


def _lookup(document: Any, path: list[Any], fallback: Any) -> Any:
    node = document
    for part in path:
        in_mapping = isinstance(node, Mapping) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if not (in_mapping or in_list):
            return fallback
        node = node[part]
    return node


def _first_appearance(types: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(types))


def _lcs(a: tuple[str, ...], b: tuple[str, ...]) -> set[str]:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            table[i][j] = table[i + 1][j + 1] + 1 if a[i] == b[j] else max(table[i + 1][j], table[i][j + 1])
    kept, i, j = set(), 0, 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            kept.add(a[i])
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return kept


def _stream_delta(recorded: Observed, target: Observed) -> StreamDelta:
    rec, tgt = _first_appearance(recorded.event_types), _first_appearance(target.event_types)
    common = set(rec) & set(tgt)
    rec_common = tuple(t for t in rec if t in common)
    in_order = _lcs(rec_common, tuple(t for t in tgt if t in common))
    return StreamDelta(
        recorded=rec,
        target=tgt,
        missing=tuple(t for t in rec if t not in common),
        added=tuple(t for t in tgt if t not in common),
        out_of_order=tuple(t for t in rec_common if t not in in_order),
    )


def known_enum_values(documents: list[Any], keys: frozenset[str] = DEFAULT_ENUM_KEYS) -> dict[str, frozenset[str]]:
    """String values found at ``keys`` anywhere in ``documents`` (a whole recording's responses)."""
    found: dict[str, set[str]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key in keys and isinstance(value, str):
                    found.setdefault(str(key), set()).add(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for document in documents:
        walk(document)
    return {key: frozenset(values) for key, values in found.items()}


def compare(
    recorded: Observed,
    target: Observed,
    *,
    strictness: Strictness = Strictness.SCHEMA,
    enums: Mapping[str, frozenset[str]] | None = None,
    known: Mapping[str, frozenset[str]] | None = None,
    required: frozenset[str] = frozenset(),
) -> Comparison:
    """Normalize both sides and diff them once.

    ``known`` defaults to the enum-like values of the recorded answer itself; the replay runner
    passes those of the whole recording, which is what a client of the recorded server has seen.
    """
    enums = enums or {}
    known = known if known is not None else known_enum_values([recorded.document()])
    base = Comparison(recorded, target, strictness, enums=enums, known=known, required=required)
    if recorded.status != target.status or recorded.media_type != target.media_type:
        return base
    if recorded.is_json and not target.is_json:
        return base
    enum_keys = frozenset(enums)
    left, right = normalize(recorded, strictness, enum_keys), normalize(target, strictness, enum_keys)
    shown_left, shown_right = left, right
    if strictness is not Strictness.VALUES:
        shown_left = normalize(recorded, Strictness.VALUES, enum_keys)
        shown_right = normalize(target, Strictness.VALUES, enum_keys)
    stream = None
    if recorded.events is not None:
        stream = _stream_delta(recorded, target)
        common = set(stream.recorded) & set(stream.target)
        left, right, shown_left, shown_right = (
            {"events": {k: v for k, v in doc["events"].items() if k in common}}
            for doc in (left, right, shown_left, shown_right)
        )
    # threshold_to_diff_deeper=0: always report field by field, never "the whole object changed".
    tree = DeepDiff(left, right, view="tree", verbose_level=2, threshold_to_diff_deeper=0)
    return Comparison(
        recorded,
        target,
        strictness,
        left=left,
        right=right,
        shown_left=shown_left,
        shown_right=shown_right,
        tree=dict(tree),
        stream=stream,
        enums=enums,
        known=known,
        required=required,
    )
