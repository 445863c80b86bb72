from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conformance.servers.reference import bootstrap


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "fake_upstream.py").write_text(
        "import json, sys\n"
        "def main():\n"
        "    print(json.dumps(sys.argv))\n"
        "    try:\n"
        "        import tiktoken\n"
        "        print(tiktoken.get_encoding('cl100k_base').name)\n"
        "    except ImportError:\n"
        "        print('no tiktoken')\n"
        "    return 7\n"
    )
    return _bootstrap(tmp_path, *args)


def _bootstrap(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """bootstrap.py with ``tmp_path`` (where a test writes its fake upstream modules) importable."""
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    return subprocess.run(
        [sys.executable, bootstrap.__file__, *args], capture_output=True, text=True, env=env, check=False, timeout=60
    )


def test_bootstrap_calls_the_entry_point_with_the_upstream_argv_and_forwards_its_exit_code(tmp_path: Path) -> None:
    proc = _run(tmp_path, "fake_upstream:main", "ogx", "run", "/cfg.yaml", "--port", "1", "--insecure")
    assert proc.returncode == 7, proc.stderr
    assert json.loads(proc.stdout.splitlines()[0]) == ["ogx", "run", "/cfg.yaml", "--port", "1", "--insecure"]


def test_bootstrap_imports_nothing_of_ours() -> None:
    # It runs inside the upstream environment, where the conformance package is not installed.
    source = Path(bootstrap.__file__).read_text()
    assert "from conformance" not in source
    assert "import conformance" not in source


def test_a_process_spawned_by_the_server_gets_the_offline_encoding_too(tmp_path: Path) -> None:
    # OGX's file-processor workers are multiprocessing "spawn" children (no network inside them either).
    fake = tmp_path / "tiktoken"
    fake.mkdir()
    (fake / "__init__.py").write_text("from tiktoken.registry import Encoding\n")
    (fake / "registry.py").write_text(
        "ENCODINGS = {}\nclass Encoding:\n    def __init__(self, name, **kwargs):\n        self.name = name\n"
    )
    (tmp_path / "spawning_upstream.py").write_text(
        "import multiprocessing as mp\n"
        "def child(queue):\n"
        "    import tiktoken.registry\n"
        "    queue.put(sorted(tiktoken.registry.ENCODINGS))\n"
        "def main():\n"
        "    ctx = mp.get_context('spawn')\n"
        "    queue = ctx.Queue()\n"
        "    proc = ctx.Process(target=child, args=(queue,))\n"
        "    proc.start()\n"
        "    print(queue.get(timeout=30))\n"
        "    proc.join()\n"
        "    return 0\n"
    )
    proc = _bootstrap(tmp_path, "spawning_upstream:main", "ogx")
    assert proc.returncode == 0, proc.stderr
    assert "'cl100k_base'" in proc.stdout


def test_a_rich_log_handler_the_server_configures_formats_tracebacks_as_plain_text(tmp_path: Path) -> None:
    """llama-stack 0.3.0 logs every error through RichHandler(rich_tracebacks=True): seconds of CPU each."""
    (tmp_path / "rich_upstream.py").write_text(
        "import logging, sys\n"
        "from rich.logging import RichHandler\n"
        "def main():\n"
        "    handler = RichHandler(rich_tracebacks=True)\n"
        "    print(handler.rich_tracebacks)\n"
        "    return 0\n"
    )
    proc = _bootstrap(tmp_path, "rich_upstream:main", "llama")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
