"""Run a profile's exporter script inside the cached environment that holds its protocol definitions.

The scripts under ``_in_env/`` import nothing of ours; they print one JSON document on stdout.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conformance.core.errors import HarnessError
from conformance.servers.environments import ensure_environment
from conformance.spec.export.sources import ExportSource, env_spec

__all__ = ["IN_ENV_DIR", "extract", "script_command"]

IN_ENV_DIR = Path(__file__).resolve().parent / "_in_env"
ERROR_ENVELOPE_MODEL = "OpenAIErrorResponse"
"""The error envelope of the router-style releases, derived from the package like any other type."""


def script_command(source: ExportSource, python: Path | str) -> list[str]:
    """The command line that exports ``source`` with the interpreter ``python``."""
    if source.style == "webmethods":
        return [str(python), str(IN_ENV_DIR / "export_webmethods.py"), *source.api_names]
    return [
        str(python),
        str(IN_ENV_DIR / "export_routers.py"),
        source.dist,
        source.module,
        "--derive",
        ERROR_ENVELOPE_MODEL,
        *source.apis,
    ]


def extract(source: ExportSource, progress: Callable[[str], None]) -> dict[str, Any]:
    """Install ``source``'s package (cached) and return what its exporter script printed."""
    env = ensure_environment(env_spec(source), progress)
    progress(f"exporting {source.requirement}")
    # Run from an empty directory so nothing in the working directory shadows the upstream modules.
    with tempfile.TemporaryDirectory(prefix="conformance-export-") as cwd:
        proc = subprocess.run(
            script_command(source, env.python),
            capture_output=True,
            text=True,
            cwd=cwd,
            check=False,
            # HOME in the scratch directory: upstream packages create config directories on import.
            env={"PATH": "/usr/bin:/bin", "HOME": cwd, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"},
        )
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-20:])
        raise HarnessError(f"exporting {source.requirement} failed (exit {proc.returncode})", detail=tail)
    try:
        document: dict[str, Any] = json.loads(proc.stdout)
    except ValueError as exc:
        raise HarnessError(f"the {source.requirement} exporter printed no JSON document ({exc})") from None
    return document
