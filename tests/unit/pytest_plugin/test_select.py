"""Which suites -k and -m can select before the suites run."""

from __future__ import annotations

import pytest

from conformance.pytest_plugin._select import could_select

SUITES = ("smoke", "replay", "property", "streaming", "errors", "clients")


def _selected(keyword: str = "", markexpr: str = "") -> list[str]:
    return [
        s for s in SUITES if could_select(s, keyword=keyword, markexpr=markexpr, session_names=["proj"], suites=SUITES)
    ]


@pytest.mark.parametrize(
    ("keyword", "expected"),
    [
        ("", list(SUITES)),
        ("streaming", ["streaming"]),
        ("conformance_errors", ["errors"]),
        ("streaming or errors", ["streaming", "errors"]),
        ("not streaming", ["smoke", "replay", "property", "errors", "clients"]),
        ("streaming and first-event", ["streaming"]),  # first-event may be in a streaming case id
        ("first-event", list(SUITES)),  # any suite's case id may hold it: all run, pytest deselects after
        ("not conformance", []),
        ("proj", list(SUITES)),  # the session's own name is every item's
        ("Streaming", ["streaming"]),  # -k is case-insensitive
        ("streaming and not streaming", []),
        ("(", list(SUITES)),  # malformed: pytest says so itself
    ],
)
def test_keyword(keyword: str, expected: list[str]) -> None:
    assert _selected(keyword=keyword) == expected


@pytest.mark.parametrize(
    ("markexpr", "expected"),
    [
        ("conformance_streaming and not may", ["streaming"]),
        ("must", list(SUITES)),  # a severity is known only once the case ran
        ("not conformance", []),
        ("conformance_errors or conformance_smoke", ["smoke", "errors"]),
    ],
)
def test_markers(markexpr: str, expected: list[str]) -> None:
    assert _selected(markexpr=markexpr) == expected
