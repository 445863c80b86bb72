"""Reading and writing cassette files.

Loading is strict and safe: ``yaml.safe_load`` (no python tags, like vcrpy's own loader), then a
structural check whose failures name the file and where: the line and column of a YAML syntax
error, or the interaction index and key of a structural one (with its line when we can find it).
A malformed cassette is the user's input going wrong, so it is a ``UsageError`` (exit 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, StrictInt, ValidationError

from conformance.cassettes.model import (
    META_KEY,
    VCR_FORMAT_VERSION,
    Cassette,
    CassetteMeta,
    Interaction,
    RecordedRequest,
    RecordedResponse,
)
from conformance.core.errors import UsageError

__all__ = [
    "cassette_path",
    "dump_cassette",
    "load_cassette",
    "load_profile_cassettes",
    "parse_cassette",
    "recordings_dir",
    "write_cassette",
]


def recordings_dir() -> Path:
    """The committed recordings: the source tree's ``recordings/`` or a copy bundled in a wheel.

    Looked up like the specs (``core.profiles.openapi_dir``): next to the package, then under
    ``conformance/_data/``.
    """
    package_root = Path(__file__).resolve().parents[1]
    for candidate in (package_root.parent / "recordings", package_root / "_data" / "recordings"):
        if candidate.is_dir():
            return candidate
    return package_root.parent / "recordings"


def cassette_path(directory: Path, profile_id: str, scenario_id: str) -> Path:
    return directory / profile_id / f"{scenario_id}.yaml"


# ---------------------------------------------------------------- structure


class _Raw(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _RawStatus(_Raw):
    code: StrictInt
    message: str = ""


class _RawBody(_Raw):
    string: str = ""


Headers = dict[str, list[str] | str]


class _RawRequest(_Raw):
    method: str
    uri: str
    headers: Headers = {}
    body: str | None = None


class _RawResponse(_Raw):
    status: _RawStatus
    headers: Headers = {}
    body: _RawBody = _RawBody()


class _RawInteraction(_Raw):
    request: _RawRequest
    response: _RawResponse


class _RawMeta(_Raw):
    profile: str
    scenario: str
    title: str = ""
    server: str | None = None
    server_version: str | None = None
    recorded_at: str | dt.date = ""
    suite_version: str = ""
    models: dict[str, str] = {}
    pauses: dict[str, float] = {}
    steps: list[str] = []


class _RawCassette(_Raw):
    version: Literal[1]
    interactions: list[_RawInteraction]
    conformance: _RawMeta


def _flat(headers: Headers) -> dict[str, str]:
    return {k: (", ".join(v) if isinstance(v, list) else v) for k, v in headers.items()}


def _loc(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(text: str, loc: Sequence[int | str]) -> int | None:
    """1-based line of the deepest YAML node on ``loc`` (best effort: ``None`` if it cannot tell)."""
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


def parse_cassette(text: str, *, source: str = "<cassette>", path: Path | None = None) -> Cassette:
    """Parse cassette YAML; a one-line ``UsageError`` naming ``source`` and the location when malformed."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UsageError(f"malformed cassette {source}{where}: {problem}") from None
    if not isinstance(data, dict):
        raise UsageError(f"malformed cassette {source}: expected a mapping with 'version' and 'interactions'")
    try:
        raw = _RawCassette.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        line = _line_of(text, first["loc"])
        where = f":{line}" if line else ""
        raise UsageError(f"malformed cassette {source}{where}: {_loc(first['loc'])}: {first['msg']}") from None
    meta = raw.conformance
    steps = meta.steps or [f"{i + 1:02d}" for i in range(len(raw.interactions))]
    if len(steps) != len(raw.interactions):
        line = _line_of(text, (META_KEY, "steps"))
        where = f":{line}" if line else ""
        raise UsageError(
            f"malformed cassette {source}{where}: {META_KEY}.steps has {len(steps)} names "
            f"for {len(raw.interactions)} interactions"
        )
    interactions = tuple(
        Interaction(
            request=RecordedRequest(
                method=i.request.method.upper(),
                uri=i.request.uri,
                headers=_flat(i.request.headers),
                body=i.request.body,
            ),
            response=RecordedResponse(
                status=i.response.status.code,
                reason=i.response.status.message,
                headers=_flat(i.response.headers),
                body=i.response.body.string,
            ),
            step=step,
        )
        for i, step in zip(raw.interactions, steps, strict=True)
    )
    recorded_at = meta.recorded_at.isoformat() if isinstance(meta.recorded_at, dt.date) else meta.recorded_at
    return Cassette(
        meta=CassetteMeta(
            profile=meta.profile,
            scenario=meta.scenario,
            title=meta.title,
            server=meta.server,
            server_version=meta.server_version,
            recorded_at=recorded_at,
            suite_version=meta.suite_version,
            models=dict(meta.models),
            pauses=dict(meta.pauses),
        ),
        interactions=interactions,
        path=path,
    )


def load_cassette(path: Path) -> Cassette:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read cassette {path}: {exc}") from None
    return parse_cassette(text, source=str(path), path=path)


def load_profile_cassettes(directory: Path, profile_id: str, patterns: Iterable[str] = ()) -> list[Cassette]:
    """Every ``<directory>/<profile>/*.yaml`` whose scenario id matches one of ``patterns`` (all if none)."""
    folder = directory / profile_id
    if not folder.is_dir():
        raise UsageError(f"no recordings for profile {profile_id!r} in {directory} (expected {folder}/*.yaml)")
    patterns = tuple(patterns)
    paths = [p for p in sorted(folder.glob("*.yaml")) if not patterns or any(fnmatchcase(p.stem, g) for g in patterns)]
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


# ---------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (SSE streams) as literal blocks, so a cassette reads like the wire."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _vcr_headers(headers: Mapping[str, str]) -> dict[str, list[str]]:
    return {name: [headers[name]] for name in sorted(headers, key=str.lower)}


def cassette_to_data(cassette: Cassette) -> dict[str, Any]:
    meta = cassette.meta
    return {
        "version": VCR_FORMAT_VERSION,
        META_KEY: {
            "profile": meta.profile,
            "scenario": meta.scenario,
            "title": meta.title,
            "server": meta.server,
            "server_version": meta.server_version,
            "recorded_at": meta.recorded_at,
            "suite_version": meta.suite_version,
            "models": dict(sorted(meta.models.items())),
            "steps": [i.step for i in cassette.interactions],
            **({"pauses": dict(meta.pauses)} if meta.pauses else {}),
        },
        "interactions": [
            {
                "request": {
                    "body": i.request.body,
                    "headers": _vcr_headers(i.request.headers),
                    "method": i.request.method,
                    "uri": i.request.uri,
                },
                "response": {
                    "status": {"code": i.response.status, "message": i.response.reason},
                    "headers": _vcr_headers(i.response.headers),
                    "body": {"string": i.response.body},
                },
            }
            for i in cassette.interactions
        ],
    }


def dump_cassette(cassette: Cassette) -> str:
    return yaml.dump(cassette_to_data(cassette), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000)


def write_cassette(cassette: Cassette, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_cassette(cassette), encoding="utf-8")
    return path
