"""Ids, word counting, truncation, stop sequences and stream fragments."""

from __future__ import annotations

import pytest

from conformance.servers.model.determinism import (
    FRAGMENT_CHARS,
    apply_stop,
    canonical_json,
    count_words,
    fragments,
    stable_id,
    subject,
    truncate_words,
)


def test_canonical_json_ignores_key_order_and_whitespace() -> None:
    assert canonical_json({"b": 1, "a": [1, {"d": 2, "c": "é"}]}) == '{"a":[1,{"c":"é","d":2}],"b":1}'


def test_stable_ids_are_pure_and_separate_their_parts() -> None:
    assert stable_id("call_", "ab", "c") == stable_id("call_", "ab", "c")
    assert stable_id("call_", "ab", "c") != stable_id("call_", "a", "bc")
    assert len(stable_id("x-", "a")) == 2 + 24


@pytest.mark.parametrize(
    "text",
    ["", "one", "  leading and trailing  ", "a\tb\nc", "averyveryverylongwordthatneedsseveralfragments ok", "x" * 100],
)
def test_fragments_concatenate_to_the_text(text: str) -> None:
    pieces = fragments(text)
    assert "".join(pieces) == text
    assert all(0 < len(piece) <= FRAGMENT_CHARS for piece in pieces)


def test_fragments_are_words_with_the_space_before_them() -> None:
    assert fragments("Hello big world") == ["Hello", " big", " world"]


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("a b c", 2, ("a b", True)),
        ("a b c", 3, ("a b c", False)),
        ("a  b\nc", 2, ("a  b", True)),
        ("a b", 0, ("", True)),
        ("", 0, ("", False)),
    ],
)
def test_truncate_words(text: str, limit: int, expected: tuple[str, bool]) -> None:
    assert truncate_words(text, limit) == expected


def test_apply_stop_cuts_at_the_earliest_sequence_and_ignores_empty_ones() -> None:
    assert apply_stop("abcdef", ("de", "bc", "")) == "a"
    assert apply_stop("abcdef", ("zz",)) == "abcdef"
    assert apply_stop("abcdef", ("",)) == "abcdef"


def test_words_and_subject() -> None:
    assert count_words(" a  b\nc ") == 3
    assert subject("  a\n b  ") == "a b"
    assert subject("1 2 3", limit=2) == "1 2 ..."
