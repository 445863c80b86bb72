"""The SDK table: every official SDK this package has flows for, its environment and how its flows run.

Which SDK *versions* a server is judged with is profile data (:attr:`Profile.clients`, exact
requirements: ``openai==3.57.0`` for a Python package, ``npm:openai@4.95.0`` for a Node one); this
table only knows, per SDK, which flows exist, what each calls and which script under ``_in_env/``
runs them. Each requirement is installed once into its own cached environment
(:func:`conformance.servers.environments.ensure_environment`, keyed by the requirement), like the
reference servers: with uv for Python, with npm for Node.

A flow script imports nothing of ours; it reads its settings on stdin and prints one JSON line per
flow (:class:`FlowOutcome`; the protocol is in ``_in_env/flow_harness.py``). Failures to *build* an
environment or to *run* the script are harness errors (:class:`~conformance.core.errors.HarnessError`):
the registry, uv, npm or the interpreter broke, not the server. A missing toolchain (no ``node``) is
not an error: the suite skips that SDK's flows with :meth:`Sdk.toolchain_missing`'s reason.

**Error situations** (:data:`SITUATIONS`): every SDK maps an HTTP status to an exception class (the
Stainless SDKs' table, :data:`STATUS_CLASSES`: 404 -> ``NotFoundError``...). An application's
``except NotFoundError`` works only when the server answers the situation with the status the SDK
expects, so each situation the suite can provoke is an error flow ``errors.<situation>`` of every SDK,
judged by the class the SDK raised.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from conformance.core.errors import HarnessError
from conformance.core.results import Severity
from conformance.servers.environments import Environment, EnvSpec

__all__ = [
    "ERROR_FLOW_PREFIX",
    "IN_ENV_DIR",
    "SDKS",
    "SITUATIONS",
    "STATUS_CLASSES",
    "Flow",
    "FlowOutcome",
    "Sdk",
    "SdkRun",
    "Situation",
    "check_client",
    "class_for_status",
    "error_flows",
    "requirement_language",
    "requirement_name",
    "run_flows",
    "sdk_for",
    "with_clients",
]

IN_ENV_DIR = Path(__file__).resolve().parent / "_in_env"
_STDERR_TAIL_LINES = 20
NPM_PREFIX = "npm:"

STATUS_CLASSES: dict[int, str] = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
}
"""The class the official SDKs raise for a status (the Node SDK's README; the Python SDKs agree);
any status from 500 up is ``InternalServerError``, any other error status ``APIStatusError``."""


def class_for_status(status: int) -> str:
    if status in STATUS_CLASSES:
        return STATUS_CLASSES[status]
    return "InternalServerError" if status >= 500 else "APIStatusError"


@dataclass(frozen=True, slots=True)
class Situation:
    """A refusal the suite provokes through an SDK (``unknown-id``) and the statuses it calls for."""

    id: str
    provokes: str
    """What the flow sends, for the report's table: ``a response id that does not exist``."""
    operations: tuple[str, ...]
    statuses: tuple[int, ...]
    severity: Severity
    why: str
    """Where the expected status comes from (the contract, HTTP, the OpenAI convention)."""

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(class_for_status(status) for status in self.statuses)


SITUATIONS: dict[str, Situation] = {
    situation.id: situation
    for situation in (
        Situation(
            "unknown-id",
            "retrieve a response id that does not exist",
            ("GET /v1/responses/{response_id}",),
            (404,),
            Severity.MUST,
            "an unknown id is 404 (HTTP; the error contract's error-unknown-id-404)",
        ),
        Situation(
            "invalid-body",
            "a chat completion whose messages is not a list",
            ("POST /v1/chat/completions",),
            (400, 422),
            Severity.MUST,
            "an invalid body is 400 or 422 (the error contract's error-invalid-body-status)",
        ),
        Situation(
            "unknown-route",
            "GET a path no API has",
            (),
            (404,),
            Severity.MUST,
            "an unknown path is 404 (HTTP)",
        ),
        Situation(
            "unknown-model",
            "a chat completion naming a model that does not exist",
            ("POST /v1/chat/completions",),
            (404,),
            Severity.SHOULD,
            "an unknown model is 404 model_not_found (the OpenAI convention)",
        ),
        Situation(
            "no-auth",
            "list models without credentials (only with --api-key)",
            ("GET /v1/models",),
            (401,),
            Severity.MUST,
            "missing credentials are 401 (RFC 9110)",
        ),
        Situation(
            "wrong-auth",
            "list models with a wrong API key (only with --api-key)",
            ("GET /v1/models",),
            (401,),
            Severity.MUST,
            "invalid credentials are 401 (RFC 9110)",
        ),
    )
}
ERROR_FLOW_PREFIX = "errors."


@dataclass(frozen=True, slots=True)
class Flow:
    """One thing an application does with the SDK (``chat.stream-helper-tools``), or an error situation
    it provokes (``errors.unknown-id``)."""

    name: str
    operations: tuple[str, ...]
    """Every operation the flow calls (``METHOD /templated/path``); the first is the one it is about.
    Empty for a flow about no operation of the spec (``errors.unknown-route``)."""

    @property
    def operation(self) -> str | None:
        return self.operations[0] if self.operations else None

    @property
    def situation(self) -> Situation | None:
        """The error situation an ``errors.<id>`` flow provokes."""
        if not self.name.startswith(ERROR_FLOW_PREFIX):
            return None
        return SITUATIONS[self.name.removeprefix(ERROR_FLOW_PREFIX)]

    @property
    def slug(self) -> str:
        """The name as a rule-id part: ``chat-stream-helper-tools``."""
        return self.name.replace(".", "-")


@dataclass(frozen=True, slots=True)
class Sdk:
    id: str
    """Short name used in case ids (``clients/<id>/<flow>``) and rule ids (``sdk-<id>-<flow>``)."""
    dist: str
    """The package name a requirement of it names (``openai``, ``llama-stack-client``)."""
    language: Literal["python", "node"]
    script: str
    """Its flow script, a file under ``_in_env/``."""
    flows: tuple[Flow, ...]

    def env_spec(self, requirement: str) -> EnvSpec:
        if self.language == "node":
            return EnvSpec(name=f"sdk-{self.id}", requirements=(requirement.removeprefix(NPM_PREFIX),), kind="npm")
        return EnvSpec(name=f"sdk-{self.id}", requirements=(requirement,))

    def toolchain_missing(self) -> str | None:
        """Why this SDK cannot be installed here, or ``None``. A Python SDK needs only our own
        interpreter (uv, else venv + pip); a Node SDK needs ``node`` and ``npm`` on ``PATH``."""
        if self.language == "node":
            missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
            if missing:
                return f"{' and '.join(missing)} not found on PATH (Node SDK flows need Node.js)"
        return None

    def command(self, env: Environment) -> tuple[list[str], dict[str, str]]:
        """How to run this SDK's flow script in ``env``: the command and its extra environment."""
        if self.language == "node":
            node = shutil.which("node") or "node"
            return [node, str(self.script_path)], {"NODE_PATH": str(env.node_modules)}
        return [str(env.python), str(self.script_path)], {"PYTHONDONTWRITEBYTECODE": "1"}

    @property
    def script_path(self) -> Path:
        return IN_ENV_DIR / self.script


def error_flows(*situations: str, paths: dict[str, str] | None = None) -> tuple[Flow, ...]:
    """The ``errors.<situation>`` flows of an SDK whose script implements those situations (all by default).

    ``paths`` maps a situation's path to the one this SDK calls for it (the Node ``llama-stack-client``
    0.3.0 retrieves responses at ``/v1/openai/v1/responses/{response_id}``), so that each flow names the
    operation its SDK really sends."""
    chosen = situations or tuple(SITUATIONS)
    moved = paths or {}

    def operation(op: str) -> str:
        method, _, path = op.partition(" ")
        return f"{method} {moved.get(path, path)}"

    return tuple(
        Flow(f"{ERROR_FLOW_PREFIX}{s}", tuple(operation(op) for op in SITUATIONS[s].operations)) for s in chosen
    )


_CHAT = "POST /v1/chat/completions"
_RESPONSES = "POST /v1/responses"
_RESPONSE = "/v1/responses/{response_id}"
_CONVERSATION = "/v1/conversations/{conversation_id}"
_FILES = "POST /v1/files"
_FILE = "/v1/files/{file_id}"
_STORES = "POST /v1/vector_stores"
_VECTOR_STORE = "/v1/vector_stores/{vector_store_id}"
_AGENTS = "/v1alpha/agents"
_AGENT = f"{_AGENTS}/{{agent_id}}"
_TURNS = f"{_AGENT}/session/{{session_id}}/turn"

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
                Flow("files.create", (_FILES, f"DELETE {_FILE}")),
                Flow("files.retrieve", (f"GET {_FILE}", _FILES)),
                Flow("files.list", ("GET /v1/files", _FILES)),
                Flow("files.content", (f"GET {_FILE}/content", _FILES)),
                Flow("files.delete", (f"DELETE {_FILE}", _FILES)),
                Flow("vector-stores.create", (_STORES, f"DELETE {_VECTOR_STORE}")),
                Flow("vector-stores.retrieve", (f"GET {_VECTOR_STORE}", _STORES)),
                Flow("vector-stores.delete", (f"DELETE {_VECTOR_STORE}", _STORES)),
                Flow(
                    "vector-stores.files-create",
                    (f"POST {_VECTOR_STORE}/files", f"GET {_VECTOR_STORE}/files/{{file_id}}", _STORES, _FILES),
                ),
                Flow(
                    "vector-stores.search",
                    (f"POST {_VECTOR_STORE}/search", f"POST {_VECTOR_STORE}/files", _STORES, _FILES),
                ),
                *error_flows(),
            ),
        ),
        Sdk(
            id="llama-stack-client",
            dist="llama-stack-client",
            language="python",
            script="llama_stack_client_flows.py",
            flows=(
                Flow("chat.create", (_CHAT,)),
                Flow("chat.stream", (_CHAT,)),
                Flow("responses.create", (_RESPONSES,)),
                Flow("responses.stream", (_RESPONSES,)),
                Flow("responses.retrieve", (f"GET {_RESPONSE}", _RESPONSES)),
                Flow("responses.input-items", (f"GET {_RESPONSE}/input_items", _RESPONSES)),
                Flow("responses.delete", (f"DELETE {_RESPONSE}", _RESPONSES)),
                Flow("embeddings.create", ("POST /v1/embeddings",)),
                Flow("models.list", ("GET /v1/models",)),
                Flow("models.retrieve", ("GET /v1/models/{model_id}",)),
                Flow("conversations.create", ("POST /v1/conversations", f"DELETE {_CONVERSATION}")),
                Flow("conversations.retrieve", (f"GET {_CONVERSATION}", "POST /v1/conversations")),
                Flow("conversations.delete", (f"DELETE {_CONVERSATION}", "POST /v1/conversations")),
                Flow("files.create", (_FILES, f"DELETE {_FILE}")),
                Flow("files.retrieve", (f"GET {_FILE}", _FILES, f"DELETE {_FILE}")),
                Flow("files.delete", (f"DELETE {_FILE}", _FILES)),
                Flow("vector-stores.create", (_STORES, f"DELETE {_VECTOR_STORE}")),
                Flow(
                    "vector-stores.retrieve",
                    (f"GET {_VECTOR_STORE}", _STORES, f"DELETE {_VECTOR_STORE}"),
                ),
                Flow("vector-stores.delete", (f"DELETE {_VECTOR_STORE}", _STORES)),
                Flow("agents.create", (f"POST {_AGENTS}",)),
                Flow("agents.session-create", (f"POST {_AGENT}/session", f"POST {_AGENTS}")),
                Flow("agents.turn-stream", (f"POST {_TURNS}", f"POST {_AGENTS}", f"POST {_AGENT}/session")),
                # The client-tool turn: it pauses (turn_awaiting_input) and the tool's result resumes it.
                Flow(
                    "agents.turn-client-tool",
                    (
                        f"POST {_TURNS}/{{turn_id}}/resume",
                        f"POST {_TURNS}",
                        f"POST {_AGENTS}",
                        f"POST {_AGENT}/session",
                    ),
                ),
                *error_flows(),
            ),
        ),
        Sdk(
            id="openai-node",
            dist="openai",
            language="node",
            script="openai_flows.cjs",
            flows=(
                Flow("chat.create", (_CHAT,)),
                Flow("chat.stream", (_CHAT,)),
                Flow("chat.stream-helper-tools", (_CHAT,)),
                Flow("responses.create", (_RESPONSES,)),
                Flow("responses.stream", (_RESPONSES,)),
                Flow("responses.stream-helper", (_RESPONSES,)),
                *error_flows(),
            ),
        ),
        Sdk(
            # The 0.3.0 Node SDK calls the Agents API at /v1/agents (0.3's deprecated aliases of
            # /v1alpha/agents) and the OpenAI-compatible routes under /v1/openai/v1.
            id="llama-stack-client-node",
            dist="llama-stack-client",
            language="node",
            script="llama_stack_client_flows.cjs",
            flows=(
                Flow("agents.create", ("POST /v1/agents",)),
                Flow("agents.session-create", ("POST /v1/agents/{agent_id}/session", "POST /v1/agents")),
                Flow(
                    "agents.turn-stream",
                    (
                        "POST /v1/agents/{agent_id}/session/{session_id}/turn",
                        "POST /v1/agents",
                        "POST /v1/agents/{agent_id}/session",
                    ),
                ),
                *error_flows(
                    paths={
                        "/v1/responses/{response_id}": "/v1/openai/v1/responses/{response_id}",
                        "/v1/chat/completions": "/v1/openai/v1/chat/completions",
                    }
                ),
            ),
        ),
    )
}


def requirement_name(requirement: str) -> str:
    """``openai==3.57.0`` -> ``openai`` (normalised as package indexes do);
    ``npm:@scope/pkg@1.0`` -> ``@scope/pkg``."""
    text = requirement.strip()
    if text.startswith(NPM_PREFIX):
        spec = text.removeprefix(NPM_PREFIX)
        at = spec.find("@", 1)  # a scoped name starts with "@"
        return (spec if at < 0 else spec[:at]).lower()
    name = re.split(r"[\s\[<>=!~;@]", text, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_language(requirement: str) -> Literal["python", "node"]:
    return "node" if requirement.strip().startswith(NPM_PREFIX) else "python"


def sdk_for(requirement: str) -> Sdk | None:
    """The table's SDK a requirement installs, or ``None`` when we have no flows for it."""
    name, language = requirement_name(requirement), requirement_language(requirement)
    return next((sdk for sdk in SDKS.values() if sdk.dist == name and sdk.language == language), None)


def check_client(requirement: str) -> str:
    """A ``--client`` value, or ``ValueError`` saying why not: an exact version of an SDK with flows
    (``openai==3.57.0``, ``npm:openai@4.95.0``), so a run names the SDK release it judged with."""
    text = requirement.strip()
    sdk = sdk_for(text)
    if sdk is None:
        known = ", ".join(f"{NPM_PREFIX if s.language == 'node' else ''}{s.dist}" for s in SDKS.values())
        raise ValueError(f"no flows are written for {text!r} (SDKs with flows: {known})")
    if sdk.language == "node":
        exact = re.fullmatch(r"(@[^/@\s]+/)?[^/@\s]+@\d[\w.+-]*", text.removeprefix(NPM_PREFIX))
        form = f"{NPM_PREFIX}{sdk.dist}@VERSION"
    else:
        exact = re.fullmatch(r"[A-Za-z0-9_.-]+==\d[\w.+!-]*", text)
        form = f"{sdk.dist}==VERSION"
    if exact is None:
        raise ValueError(f"{text!r} is not an exact version: write {form}")
    return text


def with_clients(profile_clients: tuple[str, ...], given: tuple[str, ...]) -> tuple[str, ...]:
    """The profile's SDK requirements with ``given`` (``--client``) in place of the same SDK's; an SDK
    the profile does not name is added. Given twice, an SDK runs with each version."""
    if not given:
        return profile_clients

    def key(requirement: str) -> tuple[str, str]:
        return requirement_language(requirement), requirement_name(requirement)

    replaced = {key(r) for r in given}
    kept = tuple(r for r in profile_clients if key(r) not in replaced)
    return kept + tuple(dict.fromkeys(given))


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
    raised: str | None = None
    """An error flow: the class name of what the SDK raised (``None``: it raised nothing)."""
    status: int | None = None
    """An error flow: the HTTP status the SDK's exception carries."""

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
            raised=str(data["raised"]) if data.get("raised") else None,
            status=data["status"] if isinstance(data.get("status"), int) else None,
        )


@dataclass(frozen=True, slots=True)
class SdkRun:
    """What a flow script printed: the SDK's version and one outcome per flow it finished."""

    version: str | None
    outcomes: dict[str, FlowOutcome]
    crashed: str | None = None
    """Why the script stopped before every flow was reported (its exit status and stderr's tail)."""


def run_flows(sdk: Sdk, environment: Environment, settings: dict[str, Any], *, timeout_s: float) -> SdkRun:
    """Run ``settings["flows"]`` with ``sdk``'s script in ``environment`` (its cached SDK install).

    The script runs in an empty directory with a minimal environment (no proxy settings: its traffic
    goes to the base URL it is given). A script that does not finish in ``timeout_s`` is a harness error."""
    command, extra = sdk.command(environment)
    with tempfile.TemporaryDirectory(prefix="conformance-sdk-") as cwd:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": cwd, **extra}
        try:
            proc = subprocess.run(
                command,
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
