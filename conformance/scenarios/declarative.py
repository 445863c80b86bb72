"""Declarative scenarios: a flow written as YAML steps instead of Python.

One file is one scenario; its id is the file name without ``.yaml``::

    title: Create a job, then read it back
    steps:
      - name: create
        method: POST
        path: /api/jobs/create
        body: {model: "${models.chat}", prompt: "Summarise the news."}
        status: 200
      - name: read
        method: GET
        path: /api/jobs/${steps.create.body.id}
        status: 200

A step has ``name``, ``method``, ``path`` and optionally ``query``, ``headers``, ``body`` (JSON),
``stream`` (read the answer as server-sent events), ``status`` (the status, or list of statuses,
the flow needs to go on) and ``pause`` (seconds to wait before the step, waited again on replay).
Strings may hold bindings: ``${models.chat}``, ``${models.embedding}`` (the server's own models),
``${steps.NAME.status}``, ``${steps.NAME.body.PATH}`` and ``${steps.NAME.events.N.PATH}`` (a
stream's N-th decoded event), where PATH is dot-separated keys and list indexes (``data.0.id``).
A string that is exactly one binding takes the bound value as it is (a number stays a number).

A built-in flow may also say ``profiles`` (default: every built-in profile) and ``expects_errors``.
The API group is the first step's; the other groups the steps call are its ``uses``. The file
becomes a :class:`Scenario` like the Python ones: recorded, replayed and selected the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from conformance.core.http_exchange import Exchange
from conformance.core.profiles import PROFILES, Profile
from conformance.core.yaml_files import read_yaml_file
from conformance.scenarios.base import Scenario, ScenarioContext, ScenarioError

__all__ = ["ScenarioFile", "Step", "load_scenario_file", "load_scenarios"]

_BINDING = re.compile(r"\$\{([^}]*)\}")
_STEP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_SOURCES = ("body", "events", "status")
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class Step(BaseModel):
    """One request of a declarative scenario."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    method: Method
    path: str
    query: dict[str, str | int | float | bool] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    stream: bool = False
    status: int | tuple[int, ...] | None = None
    pause: float = Field(default=0.0, ge=0, le=60)

    @field_validator("method", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _STEP_NAME.match(value):
            raise ValueError(f"{value!r} is not a step name (letters, digits, '-' and '_')")
        return value

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"{value!r} is not a path on the server (it starts with '/')")
        return value

    @property
    def statuses(self) -> tuple[int, ...]:
        return () if self.status is None else (self.status,) if isinstance(self.status, int) else self.status


class ScenarioFile(BaseModel):
    """The fields of one scenario file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    steps: tuple[Step, ...] = Field(min_length=1)
    profiles: tuple[str, ...] = ()
    expects_errors: bool = False

    def binding_problems(self) -> Iterable[tuple[int, str]]:
        """``(step index, problem)`` for a step name used twice or a binding that names no earlier step."""
        seen: list[str] = []
        for index, step in enumerate(self.steps):
            if step.name in seen:
                yield index, f"the step name {step.name!r} is used twice"
            for expression in _expressions(step.model_dump(include={"path", "query", "headers", "body"})):
                problem = _static_problem(expression, seen)
                if problem:
                    yield index, f"${{{expression}}}: {problem}"
            seen.append(step.name)


def _expressions(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield from (m.group(1).strip() for m in _BINDING.finditer(value))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _expressions(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _expressions(item)


def _static_problem(expression: str, earlier: list[str]) -> str | None:
    parts = expression.split(".")
    if parts[0] == "models":
        return None if len(parts) == 2 and parts[1] in ("chat", "embedding") else "use models.chat or models.embedding"
    if parts[0] != "steps" or len(parts) < 3:
        return "a binding is models.chat, models.embedding or steps.NAME.(status|body|events)..."
    if parts[1] not in earlier:
        return f"no earlier step is named {parts[1]!r}"
    if parts[2] not in _SOURCES:
        return f"steps.{parts[1]}.{parts[2]}: use status, body or events"
    return None


def _dig(value: Any, parts: list[str]) -> Any:
    for part in parts:
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and re.fullmatch(r"-?\d+", part) and -len(value) <= int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


class _Answers:
    """What earlier steps got, for bindings."""

    def __init__(self, ctx: ScenarioContext) -> None:
        self.ctx = ctx
        self.steps: dict[str, Exchange] = {}

    def value(self, expression: str, step: str) -> Any:
        parts = expression.split(".")
        if parts[0] == "models":
            found: Any = self.ctx.models.as_dict().get(parts[1])
            if found is None:
                raise ScenarioError(
                    f"scenario {self.ctx.scenario_id}, step {step}: the server lists no {parts[1]} model"
                )
            return found
        exchange = self.steps[parts[1]]
        source = parts[2]
        if source == "status":
            return exchange.status
        document = exchange.events() if source == "events" else exchange.json_or_none()
        found = _dig(document, parts[3:])
        if found is None:
            raise ScenarioError(
                f"scenario {self.ctx.scenario_id}, step {step}: ${{{expression}}} is not in the answer to step "
                f"{parts[1]} ({exchange.request.method} {exchange.request.url.path} answered {exchange.status}); "
                "the flow cannot go on"
            )
        return found

    def fill(self, value: Any, step: str) -> Any:
        if isinstance(value, str):
            whole = _BINDING.fullmatch(value)
            if whole:
                return self.value(whole.group(1).strip(), step)
            return _BINDING.sub(lambda m: str(self.value(m.group(1).strip(), step)), value)
        if isinstance(value, Mapping):
            return {key: self.fill(item, step) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.fill(item, step) for item in value]
        return value


def _runner(scenario_id: str, steps: tuple[Step, ...]) -> Any:
    def run(ctx: ScenarioContext) -> None:
        answers = _Answers(ctx)
        for step in steps:
            if step.pause:
                ctx.pause(step.pause)
            query = answers.fill(step.query, step.name)
            exchange = ctx.call(
                step.name,
                step.method,
                answers.fill(step.path, step.name),
                json=answers.fill(step.body, step.name),
                params={key: str(value) for key, value in query.items()} or None,
                headers=answers.fill(step.headers, step.name) or None,
                stream=step.stream,
            )
            if step.statuses and exchange.status not in step.statuses:
                wanted = " or ".join(str(s) for s in step.statuses)
                raise ScenarioError(
                    f"scenario {scenario_id}, step {step.name}: {step.method} {exchange.request.url.path} answered "
                    f"{exchange.status}, the flow needs {wanted}: {exchange.text[:200]!r}"
                )
            answers.steps[step.name] = exchange

    return run


def load_scenario_file(path: Path, profile: Profile | None = None) -> Scenario:
    """One scenario from ``path``: for ``profile`` (a user's), or for the built-in profiles it names."""
    document = read_yaml_file(path, kind="scenario")
    described = document.validate(ScenarioFile, expected="a mapping with 'title' and 'steps'")
    for index, problem in described.binding_problems():
        raise document.error(f"steps.{index} ({described.steps[index].name}): {problem}", ("steps", index))
    if profile is not None and described.profiles:
        raise document.error("'profiles' is for built-in flows; a profile's own scenarios are its own", ("profiles",))
    unknown = [p for p in described.profiles if p not in PROFILES]
    if unknown:
        known = ", ".join(PROFILES)
        raise document.error(f"profiles: unknown profile {unknown[0]!r} (known: {known})", ("profiles",))
    applies = frozenset({profile.id}) if profile else frozenset(described.profiles or PROFILES)
    api_of = (profile or next(iter(PROFILES.values()))).api_of
    groups = [api_of(step.path) for step in described.steps]
    return Scenario(
        path.stem,
        described.title,
        groups[0],
        applies,
        _runner(path.stem, described.steps),
        expects_errors=described.expects_errors,
        uses=tuple(sorted(set(groups) - {groups[0]})),
    )


def load_scenarios(folder: Path, profile: Profile | None = None) -> list[Scenario]:
    """Every ``folder/*.yaml``, by file name; none when the folder does not exist."""
    if not folder.is_dir():
        return []
    return [load_scenario_file(path, profile) for path in sorted(folder.glob("*.yaml"))]
