"""The SDK table: every official SDK this package has flows for, its environment and how its flows run.

Which SDK *versions* a server is judged with is profile data (:attr:`Profile.clients`, exact
requirements such as ``openai==3.57.0``); this table only knows, per SDK, which flows exist, what
each calls and which script under ``_in_env/`` runs them. Each requirement is installed once into
its own cached environment (:func:`conformance.servers.environments.ensure_environment`, keyed by
the requirement), like the reference servers.

A flow script imports nothing of ours; it reads its settings on stdin and prints one JSON line per
flow (:class:`FlowOutcome`). Failures to *build* an environment or to *run* the script are harness
errors (:class:`~conformance.core.errors.HarnessError`): the registry, uv or the interpreter broke, not
the server. A missing toolchain (an SDK whose language is not installed) is not an error: the suite
skips that SDK's flows with :meth:`Sdk.toolchain_missing`'s reason.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from conformance.core.errors import HarnessError
from conformance.servers.environments import EnvSpec

__all__ = ["IN_ENV_DIR", "SDKS", "Flow", "FlowOutcome", "Sdk", "SdkRun", "requirement_name", "run_flows", "sdk_for"]

IN_ENV_DIR = Path(__file__).resolve().parent / "_in_env"
_STDERR_TAIL_LINES = 20


@dataclass(frozen=True, slots=True)
class Flow:
    """One thing an application does with the SDK (``chat.stream-helper-tools``)."""

    name: str
    operations: tuple[str, ...]
    """Every operation the flow calls (``METHOD /templated/path``); the first is the one it is about."""

    @property
    def operation(self) -> str:
        return self.operations[0]

    @property
    def slug(self) -> str:
        """The name as a rule-id part: ``chat-stream-helper-tools``."""
        return self.name.replace(".", "-")


@dataclass(frozen=True, slots=True)
class Sdk:
    id: str
    """Short name used in case ids (``clients/<id>/<flow>``) and rule ids (``sdk-<id>-<flow>``)."""
    dist: str
    """The package name a requirement of it starts with."""
    language: Literal["python"]
    script: str
    """Its flow script, a file under ``_in_env/``."""
    flows: tuple[Flow, ...]

    def env_spec(self, requirement: str) -> EnvSpec:
        return EnvSpec(name=f"sdk-{self.id}", requirements=(requirement,))

    def toolchain_missing(self) -> str | None:
        """Why this SDK cannot be installed here, or ``None``. A Python SDK needs only our own
        interpreter (uv, else venv + pip); a Node SDK will need ``node`` and ``npm`` on ``PATH``."""
        return None

    @property
    def script_path(self) -> Path:
        return IN_ENV_DIR / self.script


_CHAT = "POST /v1/chat/completions"
_RESPONSES = "POST /v1/responses"
_RESPONSE = "/v1/responses/{response_id}"
_CONVERSATION = "/v1/conversations/{conversation_id}"

SDKS: dict[str, Sdk] = {
    sdk.id: sdk
    for sdk in (
        Sdk(
            id="openai",
            dist="openai",
            language="python",
            script="openai_flows.py",
            flows=(
                Flow("chat.create", (_CHAT,)),
                Flow("chat.stream", (_CHAT,)),
                Flow("chat.stream-helper-tools", (_CHAT,)),
                Flow("chat.parse", (_CHAT,)),
                Flow("responses.create", (_RESPONSES,)),
                Flow("responses.stream", (_RESPONSES,)),
                Flow("responses.stream-helper", (_RESPONSES,)),
                Flow("responses.parse", (_RESPONSES,)),
                Flow("responses.retrieve", (f"GET {_RESPONSE}", _RESPONSES)),
                Flow("responses.input-items", (f"GET {_RESPONSE}/input_items", _RESPONSES)),
                Flow("responses.delete", (f"DELETE {_RESPONSE}", _RESPONSES)),
                Flow("embeddings.create", ("POST /v1/embeddings",)),
                Flow("models.list", ("GET /v1/models",)),
                Flow("models.retrieve", ("GET /v1/models/{model_id}",)),
                Flow("conversations.create", ("POST /v1/conversations", f"DELETE {_CONVERSATION}")),
                Flow("conversations.retrieve", (f"GET {_CONVERSATION}", "POST /v1/conversations")),
                Flow("conversations.delete", (f"DELETE {_CONVERSATION}", "POST /v1/conversations")),
            ),
        ),
    )
}


def requirement_name(requirement: str) -> str:
    """``openai==3.57.0`` -> ``openai`` (normalised as package indexes do)."""
    name = re.split(r"[\s\[<>=!~;@]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def sdk_for(requirement: str) -> Sdk | None:
    """The table's SDK a requirement installs, or ``None`` when we have no flows for it."""
    name = requirement_name(requirement)
    return next((sdk for sdk in SDKS.values() if sdk.dist == name), None)


@dataclass(frozen=True, slots=True)
class FlowOutcome:
    """What one flow printed: ``pass``, ``fail`` (the SDK raised) or ``skip`` (it could not run here)."""

    flow: str
    outcome: Literal["pass", "fail", "skip"]
    error_type: str | None = None
    message: str | None = None
    where: str | None = None
    """The SDK's source line that raised (``openai/lib/...py:405: assert ...``)."""
    warnings: tuple[str, ...] = ()
    duration_s: float = 0.0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FlowOutcome:
        outcome = data.get("outcome")
        if outcome not in ("pass", "fail", "skip"):
            raise ValueError(f"unknown outcome {outcome!r}")
        return cls(
            flow=str(data["flow"]),
            outcome=outcome,
            error_type=data.get("error_type"),
            message=data.get("message"),
            where=data.get("where"),
            warnings=tuple(str(w) for w in data.get("warnings") or ()),
            duration_s=float(data.get("duration_s") or 0.0),
        )


@dataclass(frozen=True, slots=True)
class SdkRun:
    """What a flow script printed: the SDK's version and one outcome per flow it finished."""

    version: str | None
    outcomes: dict[str, FlowOutcome]
    crashed: str | None = None
    """Why the script stopped before every flow was reported (its exit status and stderr's tail)."""


def run_flows(sdk: Sdk, python: Path, settings: dict[str, Any], *, timeout_s: float) -> SdkRun:
    """Run ``settings["flows"]`` with ``sdk``'s script under ``python`` (its environment's interpreter).

    The script runs in an empty directory with a minimal environment (no proxy settings: its traffic
    goes to the base URL it is given). A script that does not finish in ``timeout_s`` is a harness error."""
    with tempfile.TemporaryDirectory(prefix="conformance-sdk-") as cwd:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": cwd, "PYTHONDONTWRITEBYTECODE": "1"}
        try:
            proc = subprocess.run(
                [str(python), str(sdk.script_path)],
                input=json.dumps(settings),
                capture_output=True,
                text=True,
                cwd=cwd,
                env=env,
                timeout=timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise HarnessError(f"the {sdk.id} SDK flows did not finish within {timeout_s:g}s") from None
    version = None
    outcomes: dict[str, FlowOutcome] = {}
    for line in proc.stdout.splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue  # something the SDK printed itself
        if not isinstance(data, dict):
            continue
        if "sdk" in data:
            version = str(data.get("version"))
            continue
        try:
            outcome = FlowOutcome.from_json(data)
        except (KeyError, TypeError, ValueError):
            continue
        outcomes[outcome.flow] = outcome
    crashed = None
    if proc.returncode != 0 or len(outcomes) < len(settings["flows"]):
        tail = "\n".join(proc.stderr.strip().splitlines()[-_STDERR_TAIL_LINES:])
        crashed = f"the {sdk.id} flow script exited with status {proc.returncode}" + (f": {tail}" if tail else "")
    return SdkRun(version=version, outcomes=outcomes, crashed=crashed)
