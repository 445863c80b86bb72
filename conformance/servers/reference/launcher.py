"""Start, stop and list reference servers: an upstream release backed by our deterministic model.

``start`` returns once ``/v1/health`` answers and leaves both processes running detached; a JSON
state file per reference records exactly what it started, so ``stop`` (from the same or another
process) ends those processes and nothing else.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
import platformdirs

from conformance.core.errors import HarnessError, UsageError
from conformance.servers.environments import ensure_environment
from conformance.servers.model import CHAT_MODEL
from conformance.servers.processes import (
    LOCALHOST,
    ManagedProcess,
    free_port,
    log_tail,
    port_in_use,
    spawn,
    wait_until_ready,
)
from conformance.servers.reference import bootstrap
from conformance.servers.reference.config import MODEL_PROVIDER_ID, write_run_config
from conformance.servers.reference.releases import Release, env_spec, get_release

__all__ = [
    "DEFAULT_PORT",
    "RunningReference",
    "list_references",
    "reference_server",
    "start_reference",
    "state_root",
    "stop_references",
]

DEFAULT_PORT = 8321
MODEL_READY_TIMEOUT_S = 30.0
SERVER_READY_TIMEOUT_S = 180.0
ProgressFn = Callable[[str], None]


def state_root() -> Path:
    """``$CONFORMANCE_STATE_DIR`` or the user state directory; one folder per running reference."""
    override = os.environ.get("CONFORMANCE_STATE_DIR")
    root = Path(override) if override else Path(platformdirs.user_state_dir("llama-stack-conformance"))
    path = root / "references"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class RunningReference:
    release: str
    base_url: str
    port: int
    model_base_url: str
    state_dir: str
    processes: tuple[ManagedProcess, ...] = field(default_factory=tuple)
    started_at: float = 0.0

    @property
    def name(self) -> str:
        return Path(self.state_dir).name

    @property
    def chat_model(self) -> str:
        return f"{MODEL_PROVIDER_ID}/{CHAT_MODEL}"

    def alive(self) -> bool:
        return all(p.alive() for p in self.processes)

    def stop(self) -> None:
        # Upstream first, so it does not log errors about a vanished backend while shutting down.
        for proc in reversed(self.processes):
            proc.terminate()
        with contextlib.suppress(FileNotFoundError):
            (Path(self.state_dir) / "reference.json").unlink()
        shutil.rmtree(self.state_dir, ignore_errors=True)

    def save(self) -> None:
        (Path(self.state_dir) / "reference.json").write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, path: Path) -> RunningReference:
        data = json.loads(path.read_text())
        data["processes"] = tuple(ManagedProcess(**p) for p in data["processes"])
        return cls(**data)


def list_references() -> list[RunningReference]:
    """Every reference whose state file exists, alive or not (``status`` shows which)."""
    found = []
    for path in sorted(state_root().glob("*/reference.json")):
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            found.append(RunningReference.load(path))
    return found


def stop_references(*, release: str | None = None, port: int | None = None) -> list[RunningReference]:
    """Stop the references that match (all when no filter is given); returns those stopped."""
    if release is not None:
        release = get_release(release).id
    stopped = []
    for ref in list_references():
        if (release is None or ref.release == release) and (port is None or ref.port == port):
            ref.stop()
            stopped.append(ref)
    return stopped


def _child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env.update({"PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "TERM": "dumb", **extra})
    return env


def _warm_up(base_url: str, model: str) -> None:
    """A first chat completion: right after start the inference store table may not exist yet."""
    body = {"model": model, "messages": [{"role": "user", "content": "warm up"}], "max_tokens": 4}
    with contextlib.suppress(httpx.HTTPError), httpx.Client(timeout=30) as client:
        client.post(f"{base_url}/v1/chat/completions", json=body)


def start_reference(
    release_id: str, *, port: int = DEFAULT_PORT, progress: ProgressFn | None = None
) -> RunningReference:
    """Install (once), configure and start ``release_id``; returns when it is healthy.

    Raises UsageError for an unknown release or a busy port (nothing is started), and
    HarnessError with the log tail when a process dies or hangs while starting (everything
    started so far is stopped again).
    """
    report = progress or (lambda _m: None)
    release = get_release(release_id)
    if port and port_in_use(port):
        raise UsageError(f"port {port} on {LOCALHOST} is already in use; pick another with --port")
    port = port or free_port()
    env = ensure_environment(env_spec(release), report)

    state_dir = state_root() / f"{release.env_name}-{port}-{int(time.time())}"
    state_dir.mkdir(parents=True)
    started: list[ManagedProcess] = []
    try:
        model_port = free_port()
        model_url = f"http://{LOCALHOST}:{model_port}/v1"
        report("starting the deterministic model server")
        model_cmd = [
            sys.executable,
            "-m",
            "conformance",
            "model",
            "serve",
            "--host",
            LOCALHOST,
            "--port",
            str(model_port),
        ]
        proc, record = spawn("model", model_cmd, log=state_dir / "model.log", env=_child_env({}))
        started.append(record)
        if why := wait_until_ready(f"{model_url}/models", proc, timeout_s=MODEL_READY_TIMEOUT_S):
            raise HarnessError(f"the model server {why}", detail=log_tail(record.log))

        config = write_run_config(release, state_dir=state_dir, model_base_url=model_url, port=port)
        report(f"starting {release.id} on port {port}")
        server_cmd = [
            str(env.python), bootstrap.__file__, release.entry_point, release.server,
            *release.run_args, str(config), "--port", str(port), *release.extra_run_args,
        ]  # fmt: skip
        home = state_dir / "home"
        home.mkdir()
        proc, record = spawn(
            release.server,
            server_cmd,
            log=state_dir / "server.log",
            env=_child_env(
                {
                    release.config_dir_env: str(home),
                    **({release.log_format_env: "json"} if release.log_format_env else {}),
                }
            ),
            cwd=state_dir,
        )
        started.append(record)
        base_url = f"http://{LOCALHOST}:{port}"
        if why := wait_until_ready(f"{base_url}/v1/health", proc, timeout_s=SERVER_READY_TIMEOUT_S):
            raise HarnessError(f"{release.id} {why}", detail=log_tail(record.log))
    except BaseException:
        for record in reversed(started):
            record.terminate()
        shutil.rmtree(state_dir, ignore_errors=True)
        raise
    reference = RunningReference(
        release=release.id,
        base_url=base_url,
        port=port,
        model_base_url=model_url,
        state_dir=str(state_dir),
        processes=tuple(started),
        started_at=time.time(),
    )
    reference.save()
    _warm_up(base_url, reference.chat_model)
    return reference


@contextlib.contextmanager
def reference_server(
    release_id: str, *, port: int = 0, progress: ProgressFn | None = None
) -> Iterator[RunningReference]:
    """Run a reference for the duration of a ``with`` block (the embedded default, tests)."""
    reference = start_reference(release_id, port=port, progress=progress)
    try:
        yield reference
    finally:
        reference.stop()


def release_of(reference: RunningReference) -> Release:
    return get_release(reference.release)
