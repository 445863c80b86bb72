"""Isolated, cached environments for upstream packages.

Each upstream release pins its own pydantic/fastapi/openai, so each gets its own environment under
the user cache directory, created once and reused while its requirements are unchanged: a Python
virtual environment made with uv (else venv + pip), or for a Node SDK a folder with its own
``node_modules`` made with ``npm install``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import platformdirs

from conformance.core.errors import HarnessError

__all__ = ["EnvSpec", "Environment", "cache_root", "ensure_environment"]

_READY = "conformance-env.json"
ProgressFn = Callable[[str], None]


def cache_root() -> Path:
    """``$CONFORMANCE_CACHE_DIR`` or the user cache directory."""
    override = os.environ.get("CONFORMANCE_CACHE_DIR")
    root = Path(override) if override else Path(platformdirs.user_cache_dir("llama-stack-conformance"))
    root.mkdir(parents=True, exist_ok=True)
    return root


@dataclass(frozen=True, slots=True)
class EnvSpec:
    """What to install: a readable name and the exact requirement strings."""

    name: str
    requirements: tuple[str, ...]
    kind: Literal["python", "npm"] = "python"
    """``npm``: the requirements are npm package specs (``openai@4.95.0``) installed with npm."""

    @property
    def key(self) -> str:
        if self.kind == "npm":
            payload = json.dumps([self.kind, self.requirements]).encode()
        else:
            payload = json.dumps([self.requirements, sys.version_info[:2]]).encode()
        return f"{self.name}-{hashlib.sha256(payload).hexdigest()[:12]}"


@dataclass(frozen=True, slots=True)
class Environment:
    spec: EnvSpec
    path: Path

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @property
    def node_modules(self) -> Path:
        """An npm environment's packages (what ``NODE_PATH`` points a script at)."""
        return self.path / "node_modules"

    def run(self, args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.python), *args], text=True, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


def _uv() -> str | None:
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _is_ready(path: Path, spec: EnvSpec) -> bool:
    marker = path / _READY
    installed = path / ("node_modules" if spec.kind == "npm" else "bin/python")
    if not marker.is_file() or not installed.exists():
        return False
    try:
        return bool(json.loads(marker.read_text()).get("requirements") == list(spec.requirements))
    except (OSError, ValueError):
        return False


def _run_step(cmd: list[str], what: str, progress: ProgressFn, env: dict[str, str]) -> None:
    progress(what)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    tail: list[str] = []
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = raw.rstrip()
        if line:
            tail = [*tail[-30:], line]
            progress(f"{what}: {line[:100]}")
    if proc.wait() != 0:
        raise HarnessError(f"{what} failed (exit {proc.returncode})", detail="\n".join(tail))


def ensure_environment(spec: EnvSpec, progress: ProgressFn | None = None) -> Environment:
    """Return the ready environment for ``spec``, creating it first if needed."""
    report = progress or (lambda _msg: None)
    root = cache_root() / "envs"
    path = root / spec.key
    env = Environment(spec, path)
    if _is_ready(path, spec):
        return env
    with _locked(root / f"{spec.key}.lock"):
        if _is_ready(path, spec):  # another process built it while we waited
            return env
        if path.exists():
            shutil.rmtree(path)
        if spec.kind == "npm":
            _install_npm(spec, path, report)
            report(f"environment {spec.name} ready")
            return env
        uv = _uv()
        child_env = {**os.environ, "VIRTUAL_ENV": str(path)}
        child_env.pop("PYTHONPATH", None)
        if uv:
            _run_step(
                [uv, "venv", "--quiet", "--python", sys.executable, str(path)],
                f"creating environment {spec.name}",
                report,
                child_env,
            )
            # --compile-bytecode: the SDK flow scripts run with PYTHONDONTWRITEBYTECODE (they write nothing),
            # so an uncompiled SDK (ogx-client: ~500 modules) would be compiled again on every run (~6 s).
            install = [uv, "pip", "install", "--compile-bytecode", "--python", str(env.python), *spec.requirements]
        else:
            _run_step([sys.executable, "-m", "venv", str(path)], f"creating environment {spec.name}", report, child_env)
            install = [str(env.python), "-m", "pip", "install", "--disable-pip-version-check", *spec.requirements]
        try:
            _run_step(install, f"installing {spec.name}", report, child_env)
        except HarnessError:
            shutil.rmtree(path, ignore_errors=True)
            raise
        _mark_ready(spec, path)
        report(f"environment {spec.name} ready")
    return env


def _mark_ready(spec: EnvSpec, path: Path) -> None:
    (path / _READY).write_text(json.dumps({"name": spec.name, "requirements": list(spec.requirements)}))


def _install_npm(spec: EnvSpec, path: Path, report: ProgressFn) -> None:
    """``npm install`` the packages into ``path/node_modules`` (no install scripts, no audit)."""
    npm = shutil.which("npm")
    if npm is None:
        raise HarnessError(f"installing {spec.name} needs npm, which is not on PATH")
    path.mkdir(parents=True)
    (path / "package.json").write_text(json.dumps({"name": spec.name, "private": True}))
    install = [
        *(npm, "install", "--prefix", str(path), "--save-exact"),
        *("--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"),
    ]
    try:
        _run_step([*install, *spec.requirements], f"installing {spec.name}", report, dict(os.environ))
    except HarnessError:
        shutil.rmtree(path, ignore_errors=True)
        raise
    _mark_ready(spec, path)
