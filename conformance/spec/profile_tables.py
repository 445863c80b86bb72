"""The README's per-profile tables, generated from the profile table (``core/profiles.py``).

The README holds each table between ``<!-- profiles:NAME -->`` and ``<!-- /profiles:NAME -->``;
``nox -s docs`` rewrites them and a unit test fails when the committed README differs, so adding
a profile updates the docs with one command instead of by hand.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from conformance.core.profiles import DEFAULT_PROFILE, PROFILES, Profile
from conformance.spec.loader import load_spec
from conformance.spec.operations import iter_operations

__all__ = ["SECTIONS", "api_table", "reference_table", "render_readme"]

NONE = "\N{EN DASH}"
"""What an empty cell shows."""


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def api_table(profiles: Iterable[Profile] = ()) -> str:
    """Operations per API group (``--api``) in each profile's spec."""
    chosen = list(profiles) or list(PROFILES.values())
    counts = {
        p.id: Counter(p.api_of(f"{op.method} {op.path}") for op in iter_operations(load_spec(p.id))) for p in chosen
    }
    apis = sorted({api for count in counts.values() for api in count})
    lines = [_row(["API", *(f"`{p.id}`" for p in chosen)]), _row(["---"] * (len(chosen) + 1))]
    lines += [_row([f"`{api}`", *(str(counts[p.id][api] or NONE) for p in chosen)]) for api in apis]
    return "\n".join(lines)


def reference_table(profiles: Iterable[Profile] = ()) -> str:
    """Each profile's reference release, the spec's source and how a server of it is recognised."""
    chosen = [p for p in (list(profiles) or list(PROFILES.values())) if p.reference is not None]
    lines = [_row(["release", "profile", "spec from", "recognised by /v1/version"]), _row(["---"] * 4)]
    for profile in chosen:
        assert profile.reference is not None
        default = " (default)" if profile.id == DEFAULT_PROFILE else ""
        source = f"`{profile.source.requirement}`" if profile.source else NONE
        versions = ", ".join(f"`{v}*`" for v in profile.versions) or NONE
        lines.append(_row([f"`{profile.reference.id}`{default}", f"`{profile.id}`: {profile.title}", source, versions]))
    return "\n".join(lines)


SECTIONS: dict[str, Callable[[], str]] = {"apis": api_table, "references": reference_table}


def _section(table: str) -> Callable[[re.Match[str]], str]:
    return lambda match: match.group(1) + table + match.group(2)


def render_readme(text: str) -> str:
    """``text`` with every generated section replaced by its current rendering."""
    for name, render in SECTIONS.items():
        pattern = re.compile(rf"(<!-- profiles:{name} -->\n).*?(\n<!-- /profiles:{name} -->)", re.DOTALL)
        text = pattern.sub(_section(render()), text)
    return text
