"""What a cassette holds: one frozen model per part, each reading and writing its vcrpy shape.

The on-disk shape is vcrpy's (``version: 1``, ``interactions: [{request, response}]``) so that
vcrpy itself, and anyone who knows it, can read our recordings. What vcrpy has no place for (the
profile, the server that answered, a name for every step) lives under one top-level
``conformance:`` key, which vcrpy ignores.

This module is the one place that maps vcrpy's document (a dict) to objects and back, as vcrpy's
``Request._from_dict``/``_to_dict`` do: :meth:`Cassette.from_data` validates the document
(errors carry the location in it, e.g. ``interactions[0].response.status.code``) and
:meth:`Cassette.to_data` writes it. Turning that document into text and back is
``cassettes.serializer``'s job; files are ``cassettes.store``'s.

The objects keep the shape callers want (``response.status`` is the code, ``response.body`` the
text, one header value per name, ``interaction.step`` its name); where the document nests them
(``status: {code, message}``, ``body: {string}``, ``conformance.steps``), the fields say so with
their validation alias and the model's serializer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import httpx
from pydantic import (
    AliasPath,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializationInfo,
    StrictInt,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from conformance.core.media_types import SSE_MEDIA_TYPE, media_type
from conformance.core.settle import Settle

__all__ = [
    "META_KEY",
    "RECORDED_ORIGIN",
    "VCR_FORMAT_VERSION",
    "Cassette",
    "CassetteMeta",
    "Interaction",
    "RecordedRequest",
    "RecordedResponse",
]

VCR_FORMAT_VERSION: Final = 1
META_KEY = "conformance"
RECORDED_ORIGIN = "http://127.0.0.1:8321"
"""Every recorded URI is rewritten onto this origin (the reference's default address).

The real address changes with every recording (references pick a free port); a fixed origin keeps
re-recordings diffable. Replay only uses the path and query and sends them to ``--base-url``.
"""


class _CassetteModel(BaseModel):
    # Built in code by field name; read from a document by alias only (``Cassette.from_data``).
    # Keys vcrpy or a later version adds are ignored, as vcrpy ignores ours.
    model_config = ConfigDict(frozen=True, extra="ignore", validate_by_name=True, validate_by_alias=True)


def _one_value_per_name(headers: Any) -> Any:
    """vcrpy lists every header's values; a repeated header reads as one comma-joined value."""
    if not isinstance(headers, Mapping):
        return headers
    return {name: ", ".join(value) if isinstance(value, list) else value for name, value in headers.items()}


def _vcr_headers(headers: Mapping[str, str]) -> dict[str, list[str]]:
    return {name: [headers[name]] for name in sorted(headers, key=str.lower)}


Headers = Annotated[dict[str, str], BeforeValidator(_one_value_per_name)]


def _iso_date(value: Any) -> Any:
    """YAML reads an unquoted ``2026-11-30`` as a date."""
    return value.isoformat() if isinstance(value, dt.date) else value


class RecordedRequest(_CassetteModel):
    method: str
    uri: str
    headers: Headers = {}
    body: str | None = None

    @field_validator("method")
    @classmethod
    def _upper(cls, method: str) -> str:
        return method.upper()

    @model_serializer
    def _vcr(self) -> dict[str, Any]:
        return {"body": self.body, "headers": _vcr_headers(self.headers), "method": self.method, "uri": self.uri}

    @property
    def target(self) -> str:
        """Path and query relative to the server's base URL (what replay sends)."""
        url = httpx.URL(self.uri)
        query = url.query.decode("ascii", errors="replace")
        return url.path + (f"?{query}" if query else "")

    @property
    def path(self) -> str:
        return httpx.URL(self.uri).path


class RecordedResponse(_CassetteModel):
    status: StrictInt = Field(validation_alias=AliasPath("status", "code"))
    reason: str = Field("", validation_alias=AliasPath("status", "message"))
    headers: Headers = {}
    body: str = Field("", validation_alias=AliasPath("body", "string"))
    """The body exactly as received (the raw text of an SSE stream)."""

    @model_serializer
    def _vcr(self) -> dict[str, Any]:
        return {
            "status": {"code": self.status, "message": self.reason},
            "headers": _vcr_headers(self.headers),
            "body": {"string": self.body},
        }

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers.items() if k.lower() == "content-type"), "")

    @property
    def is_stream(self) -> bool:
        return media_type(self.content_type) == SSE_MEDIA_TYPE


class Interaction(_CassetteModel):
    request: RecordedRequest
    response: RecordedResponse
    step: str
    """The scenario's name for this exchange, e.g. ``create-session`` (unique within a cassette).

    On disk the names are a list, ``conformance.steps``, so that the interactions stay vcrpy's."""

    @model_serializer
    def _vcr(self) -> dict[str, Any]:
        return {"request": self.request.model_dump(), "response": self.response.model_dump()}


class CassetteMeta(_CassetteModel):
    profile: str
    scenario: str
    title: str = ""
    server: str | None = None
    server_version: str | None = None
    recorded_at: Annotated[str, BeforeValidator(_iso_date)] = ""
    """ISO date only: a time of day would change on every re-recording."""
    suite_version: str = ""
    models: dict[str, str] = {}
    """Model ids the scenario used, by role (``chat``, ``embedding``); replay maps them to the target's."""
    pauses: dict[str, float] = {}
    """Step -> seconds the scenario waited before it; replay waits as long."""
    settles: dict[str, Settle] = {}
    """Step -> the rule it was sent again by until its answer settled (a background job read back when
    done); replay polls the same way before it compares (:func:`conformance.core.settle.send_until`)."""

    @model_serializer
    def _vcr(self, info: SerializationInfo) -> dict[str, Any]:
        """The ``conformance:`` block; the cassette passes its step names as ``context={'steps': …}``."""
        steps = list((info.context or {}).get("steps", ()))
        return {
            "profile": self.profile,
            "scenario": self.scenario,
            "title": self.title,
            "server": self.server,
            "server_version": self.server_version,
            "recorded_at": self.recorded_at,
            "suite_version": self.suite_version,
            "models": dict(sorted(self.models.items())),
            "steps": steps,
            **({"pauses": dict(self.pauses)} if self.pauses else {}),
            **({"settles": {step: _settle_data(rule) for step, rule in self.settles.items()}} if self.settles else {}),
        }


def _settle_data(rule: Settle) -> dict[str, Any]:
    return {"field": rule.field, "until": list(rule.until), "seconds": rule.seconds}


class Cassette(_CassetteModel):
    version: Literal[1] = VCR_FORMAT_VERSION
    meta: CassetteMeta = Field(validation_alias=META_KEY)
    interactions: tuple[Interaction, ...]
    path: Path | None = None
    """Where it was loaded from (for messages); ``None`` for a cassette built in memory."""

    @classmethod
    def from_data(cls, data: Any, *, path: Path | None = None) -> Cassette:
        """The cassette a vcrpy document describes; ``pydantic.ValidationError`` when it is malformed.

        An error's ``loc`` is where in the document (``('interactions', 0, 'request', 'uri')``); an
        error the cassette as a whole raises has ``loc == ()`` and that place as ``ctx['at']``.
        """
        cassette = cls.model_validate(data, by_alias=True, by_name=False)
        return cassette.model_copy(update={"path": path}) if path is not None else cassette

    def to_data(self) -> dict[str, Any]:
        """The vcrpy document: ``version``, our ``conformance`` block, ``interactions``."""
        return self.model_dump()

    @model_validator(mode="before")
    @classmethod
    def _steps_onto_interactions(cls, data: Any) -> Any:
        """A document names its steps in ``conformance.steps`` (or not at all: ``01``, ``02``, …);
        each interaction gets its own. A document must say its version (code may leave it out)."""
        if not isinstance(data, Mapping) or "meta" in data:
            return data
        if "version" not in data:
            raise PydanticCustomError("missing", "Field required", {"at": ("version",)})
        interactions, meta = data.get("interactions"), data.get(META_KEY)
        if not isinstance(interactions, list):
            return data
        steps = meta.get("steps") if isinstance(meta, Mapping) else None
        if steps is None or steps == []:
            steps = [f"{i + 1:02d}" for i in range(len(interactions))]
        if not isinstance(steps, list) or not all(isinstance(step, str) for step in steps):
            raise PydanticCustomError("steps", "Input should be a list of step names", {"at": (META_KEY, "steps")})
        if len(steps) != len(interactions):
            raise PydanticCustomError(
                "steps",
                "{names} names for {count} interactions",
                {"names": len(steps), "count": len(interactions), "at": (META_KEY, "steps")},
            )
        named = [{**i, "step": s} if isinstance(i, Mapping) else i for i, s in zip(interactions, steps, strict=True)]
        return {**data, "interactions": named}

    @model_serializer
    def _vcr(self) -> dict[str, Any]:
        steps = [interaction.step for interaction in self.interactions]
        return {
            "version": self.version,
            META_KEY: self.meta.model_dump(context={"steps": steps}),
            "interactions": [interaction.model_dump() for interaction in self.interactions],
        }

    @property
    def name(self) -> str:
        return self.meta.scenario

    @property
    def label(self) -> str:
        return str(self.path) if self.path else f"<cassette {self.meta.scenario}>"
