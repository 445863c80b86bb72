"""Which suites ``-k`` and ``-m`` can select before any suite runs.

A suite's cases are known only once it ran (the property suite's come from Schemathesis), so pytest
deselects cases after collection as usual. Before that, a suite none of whose cases can match is not
run at all: ``-k streaming`` runs the streaming suite only. A name of the expression that the suite's
own names settle (``conformance``, ``conformance_streaming``, ``streaming``) is true for all its cases; a
name that names another suite (``errors``, ``conformance_errors``) is taken as false for them (a case id
holding another suite's name is not worth running a suite for); any other name may still match a case
id or a severity marker, so it is tried both ways. A suite is run when some assignment of those open
names makes the expression true.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["MARKER_PREFIX", "could_select", "suite_marker"]

MARKER_PREFIX = "conformance_"
_MAX_OPEN_NAMES = 12
"""Past this many open names every suite is run (and pytest deselects after): 4096 evaluations at most."""


def suite_marker(suite: str) -> str:
    return MARKER_PREFIX + suite.replace("-", "_")


def _satisfiable(evaluate: Callable[[Any], bool], settled: Callable[[str], bool | None]) -> bool:
    """Whether some truth values of the open names make the expression true."""
    open_names: list[str] = []

    def matcher_for(values: dict[str, bool]) -> Callable[[str], bool]:
        def match(name: str, /, **_kwargs: object) -> bool:
            known = settled(name)
            if known is not None:
                return known
            if name not in values and name not in open_names:
                open_names.append(name)
            return values.get(name, False)

        return match

    tried: set[tuple[bool, ...]] = set()
    while True:
        names = list(open_names)
        if len(names) > _MAX_OPEN_NAMES:
            return True
        for values in itertools.product((False, True), repeat=len(names)):
            if values in tried:
                continue
            tried.add(values)
            if evaluate(matcher_for(dict(zip(names, values, strict=True)))):
                return True
        if len(open_names) == len(names):  # no evaluation met a new name: every assignment was tried
            return False
        tried.clear()


def could_select(
    suite: str, *, keyword: str, markexpr: str, session_names: Iterable[str], suites: Iterable[str]
) -> bool:
    """Whether ``-k keyword`` and ``-m markexpr`` may select a case of ``suite`` (``True`` when unsure);
    ``suites`` are every suite's name."""
    try:
        from _pytest.mark.expression import Expression
    except ImportError:  # pragma: no cover - pytest moved its expression parser: select after running only
        return True
    names = {suite, "conformance", suite_marker(suite), *session_names}
    lowered = [n.lower() for n in names]
    try:
        if keyword:
            expr = Expression.compile(keyword)
            # -k matches a name case-insensitively as a substring of any of the item's names.
            others = [o.lower() for o in suites if o != suite]

            def found(name: str) -> bool | None:
                if any(name.lower() in n for n in lowered):
                    return True
                return False if any(o in name.lower() for o in others) else None

            if not _satisfiable(expr.evaluate, found):
                return False
        if markexpr:
            expr = Expression.compile(markexpr)
            markers = {"conformance", suite_marker(suite)}

            def marked(name: str) -> bool | None:
                if name in markers:
                    return True
                return False if name.startswith(MARKER_PREFIX) else None  # another suite's marker

            if not _satisfiable(expr.evaluate, marked):
                return False
    except Exception:  # pytest reports a malformed expression itself (its error type varies by version)
        return True
    return True
