"""The building blocks that make every answer a pure function of its request.

Ids are hashes of the canonical request JSON, "tokens" are whitespace-separated words, and
streams are cut at word boundaries, so the same request always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

__all__ = [
    "FRAGMENT_CHARS",
    "apply_stop",
    "canonical_json",
    "count_words",
    "dumps",
    "fragments",
    "stable_id",
    "subject",
    "truncate_words",
]

FRAGMENT_CHARS = 16
"""Longest piece of text one streamed delta carries."""
SUBJECT_WORDS = 16
"""How many words of the user's text an answer quotes."""

_WORD = re.compile(r"\S+")
_PIECE = re.compile(r"\s*\S+|\s+$")


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, real Unicode: equal requests give equal strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dumps(value: Any) -> str:
    """The wire form of every body and SSE event: compact, keys in insertion order."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def stable_id(prefix: str, *parts: str, length: int = 24) -> str:
    """``prefix`` + the first ``length`` hex digits of sha256 over ``parts``."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}{digest[:length]}"


def count_words(text: str) -> int:
    """The "token" count used in every ``usage`` block."""
    return len(text.split())


def truncate_words(text: str, limit: int) -> tuple[str, bool]:
    """The first ``limit`` words of ``text`` with their original spacing, and whether anything was cut."""
    for index, match in enumerate(_WORD.finditer(text)):
        if index == limit:
            return text[: match.start()].rstrip(), True
    return text, False


def apply_stop(text: str, stops: tuple[str, ...]) -> str:
    """``text`` cut before the earliest occurrence of any stop sequence (stop sequences are not included)."""
    positions = [pos for stop in stops if stop and (pos := text.find(stop)) >= 0]
    return text[: min(positions)] if positions else text


def subject(text: str, limit: int = SUBJECT_WORDS) -> str:
    """The user's text on one line, at most ``limit`` words (``...`` marks a cut)."""
    words = text.split()
    if len(words) > limit:
        return " ".join(words[:limit]) + " ..."
    return " ".join(words)


def fragments(text: str, size: int = FRAGMENT_CHARS) -> list[str]:
    """Stream pieces: one per word (with the whitespace before it), long words cut every ``size`` characters.

    ``"".join(fragments(text)) == text`` always holds.
    """
    pieces: list[str] = []
    for piece in _PIECE.findall(text):
        pieces.extend(piece[i : i + size] for i in range(0, len(piece), size))
    return pieces
