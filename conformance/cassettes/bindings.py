"""ID binding: replaying a flow against a server that hands out its own ids.

A recording creates a response (``resp_1``) and later reads ``/v1/responses/resp_1``. Against
another server the create answers ``resp_9``, so the later request must ask for ``resp_9``. We
learn that from the data alone: a value is *bound* when it appears in a recorded response and
again in a later recorded request (path, query or body); the target's value is whatever the
target's corresponding response holds at the same JSON path.

Documents are plain JSON-like data; for a stream the caller passes a document keyed by event
type (so that a different number of delta events does not shift the paths).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

__all__ = ["MIN_BOUND_LENGTH", "Bindings", "id_like_values", "reused_values"]

MIN_BOUND_LENGTH = 8
"""Shorter values are not bound: replacing them as text would hit innocent substrings."""

_ID_KEY = re.compile(r"(^|_)id$|[a-z]Id$")
_ID_VALUE = re.compile(
    r"^(?:[A-Za-z]+[_-][A-Za-z0-9_-]{8,}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-9a-fA-F]{16,})$"
)

Path = tuple[str | int, ...]


def _leaves(doc: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    if isinstance(doc, Mapping):
        for key, value in doc.items():
            yield from _leaves(value, (*path, str(key)))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            yield from _leaves(value, (*path, index))
    else:
        yield path, doc


def id_like_values(doc: Any) -> Iterator[tuple[Path, str]]:
    """String leaves that look like server-generated ids, by key (``id``, ``*_id``) or by shape."""
    for path, value in _leaves(doc):
        if not isinstance(value, str) or len(value) < MIN_BOUND_LENGTH or any(c.isspace() for c in value):
            continue
        key = next((p for p in reversed(path) if isinstance(p, str)), "")
        if _ID_KEY.search(key) or _ID_VALUE.match(value):
            yield path, value


def reused_values(responses: Sequence[Any], requests: Sequence[str]) -> list[frozenset[str]]:
    """For each response ``i``, its id-like values that reappear in a request after it.

    ``requests[i]`` is the text of request ``i`` (path, query and body); response ``i`` answers it.
    """
    out = []
    for index, doc in enumerate(responses):
        later = "\n".join(requests[index + 1 :])
        out.append(frozenset(value for _path, value in id_like_values(doc) if value in later))
    return out


def _get(doc: Any, path: Path) -> Any:
    for part in path:
        in_list = isinstance(part, int) and isinstance(doc, list) and part < len(doc)
        in_mapping = isinstance(part, str) and isinstance(doc, Mapping) and part in doc
        if not (in_list or in_mapping):
            return None
        doc = doc[part]
    return doc


class Bindings:
    """Recorded value -> target value, learned interaction by interaction and applied to later requests."""

    def __init__(self, initial: Mapping[str, str] | None = None) -> None:
        self.mapping: dict[str, str] = {k: v for k, v in (initial or {}).items() if k and k != v}

    def learn(self, recorded: Any, target: Any, wanted: frozenset[str]) -> dict[str, str]:
        """Bind each wanted value of ``recorded`` to the string at the same path in ``target``."""
        learned = {}
        for path, value in id_like_values(recorded):
            if value not in wanted or value in self.mapping or value in learned:
                continue
            found = _get(target, path)
            if isinstance(found, str) and found and found != value:
                learned[value] = found
        self.mapping.update(learned)
        return learned

    def apply(self, text: str) -> str:
        """Replace every bound value in one pass (so ``a->b, b->c`` never chains into ``a->c``)."""
        if not self.mapping:
            return text
        # Longest first, so that an id that is a prefix of another is not replaced inside it.
        pattern = re.compile("|".join(re.escape(k) for k in sorted(self.mapping, key=len, reverse=True)))
        return pattern.sub(lambda match: self.mapping[match.group(0)], text)

    def unbound(self, wanted: frozenset[str]) -> frozenset[str]:
        return frozenset(v for v in wanted if v not in self.mapping)
