"""Reading and writing cassette files: text through ``serializer``, the document through ``model``.

Loading is strict and safe: the serializer's safe YAML loader, then the model's validation, whose
failures name the file and where: the line and column of a YAML syntax error, or the interaction
index and key of a structural one (with its line when we can find it). A malformed cassette is the
user's input going wrong, so it is a ``UsageError`` (exit 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase
from pathlib import Path

from pydantic import ValidationError

from conformance.cassettes.model import Cassette
from conformance.cassettes.serializer import CassetteSyntaxError, deserialize, line_of, serialize
from conformance.core.errors import UsageError
from conformance.core.profiles import Profile

__all__ = [
    "cassette_path",
    "dump_cassette",
    "load_cassette",
    "load_profile_cassettes",
    "parse_cassette",
    "profile_recordings",
    "write_cassette",
]


def profile_recordings(profile: Profile, root: Path | None = None) -> Path:
    """The folder of a profile's cassettes: ``root/<profile id>/`` when a root is given
    (``--recordings``, ``--output-dir``), else the profile's own (``Profile.recordings``)."""
    return root / profile.id if root is not None else profile.recordings


def cassette_path(folder: Path, scenario_id: str) -> Path:
    return folder / f"{scenario_id}.yaml"


def _where(loc: Sequence[int | str]) -> str:
    """``('interactions', 0, 'response', 'status', 'code')`` -> ``interactions[0].response.status.code``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_cassette(text: str, *, source: str = "<cassette>", path: Path | None = None) -> Cassette:
    """Parse cassette YAML; a one-line ``UsageError`` naming ``source`` and the location when malformed."""
    try:
        data = deserialize(text)
    except CassetteSyntaxError as exc:
        raise UsageError(f"malformed cassette {source}{exc.where}: {exc.problem}") from None
    if not isinstance(data, dict):
        raise UsageError(f"malformed cassette {source}: expected a mapping with 'version' and 'interactions'")
    try:
        return Cassette.from_data(data, path=path)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"] or tuple(first.get("ctx", {}).get("at", ()))
        line = line_of(text, loc)
        where = f":{line}" if line else ""
        raise UsageError(f"malformed cassette {source}{where}: {_where(loc)}: {first['msg']}") from None


def load_cassette(path: Path) -> Cassette:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read cassette {path}: {exc}") from None
    return parse_cassette(text, source=str(path), path=path)


def load_profile_cassettes(folder: Path, profile_id: str, patterns: Iterable[str] = ()) -> list[Cassette]:
    """Every ``<folder>/*.yaml`` whose scenario id matches one of ``patterns`` (all if none), each
    recorded for ``profile_id``."""
    if not folder.is_dir():
        raise UsageError(f"no recordings for profile {profile_id!r} (expected {folder}/*.yaml)")
    patterns = tuple(patterns)
    paths = [p for p in sorted(folder.glob("*.yaml")) if not patterns or any(fnmatchcase(p.stem, g) for g in patterns)]
    if not paths and not patterns:
        raise UsageError(
            f"no recordings for profile {profile_id!r} in {folder} (record them: conformance record --profile ...)"
        )
    unmatched = [g for g in patterns if not any(fnmatchcase(p.stem, g) for p in paths)]
    if unmatched:
        raise UsageError(f"--scenario {unmatched[0]!r} matches no cassette in {folder}")
    cassettes = [load_cassette(p) for p in paths]
    for cassette in cassettes:
        if cassette.meta.profile != profile_id:
            raise UsageError(
                f"cassette {cassette.label} was recorded for profile {cassette.meta.profile!r}, not {profile_id!r}"
            )
    return cassettes


def dump_cassette(cassette: Cassette) -> str:
    return serialize(cassette.to_data())


def write_cassette(cassette: Cassette, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_cassette(cassette), encoding="utf-8")
    return path
