"""Developer and CI sessions: ``nox -s tests lint typecheck`` (and ``export``, ``bench``, ``compat``).

Sessions install with uv (``nox`` picks it up as the venv backend) into ``.nox/``; the upstream
reference servers get their own cached environments under the user cache directory.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "tests"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.12"


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Unit and integration tests (integration tests start real upstream servers)."""
    session.install("-e", ".[dev]")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff>=0.8")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", ".[dev]")
    session.run("mypy")


@nox.session(python=PYTHON)
def export(session: nox.Session) -> None:
    """Re-export every profile's spec into openapi/ (``-- --check`` only compares)."""
    session.install("-e", ".")
    session.run("conformance", "export", "--all", *session.posargs)


def _profile_table(session: nox.Session) -> list[dict[str, str]]:
    """The profile table (``conformance/core/profiles.py``) as the session's interpreter sees it
    (nox's own interpreter lacks the package's dependencies): one JSON object per built-in profile."""
    import json

    script = (
        "import json\nfrom conformance.core.profiles import PROFILES\n"
        "for p in PROFILES.values():\n"
        "    print(json.dumps({'id': p.id, 'release': p.reference.id if p.reference else '',"
        " 'known_findings': str(p.known_findings), 'previous': p.previous or '',"
        " 'previous_scenarios': ','.join(p.previous_scenarios)}))"
    )
    output = session.run("python", "-c", script, silent=True)
    return [json.loads(line) for line in str(output).splitlines() if line.startswith("{")]


@nox.session(python=PYTHON)
def compat(session: nox.Session) -> None:
    """Regenerate docs/compat-matrix.md: each profile's predecessor's recordings replayed against its
    reference, joined with spec-diff per operation (the replays are kept in docs/compat-replays/)."""
    import tempfile

    session.install("-e", ".")
    pairs = [p for p in _profile_table(session) if p["previous"] and p["release"]]
    with tempfile.TemporaryDirectory(prefix="conformance-compat-") as tmp:
        env = {"CONFORMANCE_STATE_DIR": tmp}  # references of this session only: `stop` touches nothing else
        for pair in pairs:
            release, recordings = pair["release"], pair["previous"]
            scenarios = [glob for glob in pair["previous_scenarios"].split(",") if glob]
            output = session.run(
                "conformance", "reference", "start", "--server", release, "--port", "0", env=env, silent=True
            )
            base_url = [line for line in str(output).splitlines() if line.startswith("http://")][-1]
            try:
                session.run(
                    "conformance", "replay", "--base-url", base_url, "--profile", recordings,
                    *(f"--scenario={glob}" for glob in scenarios),
                    "--report-dir", f"{tmp}/report-{recordings}",
                    env=env, success_codes=[0, 1],  # breaking differences are the finding, not a failure
                )  # fmt: skip
            finally:
                session.run("conformance", "reference", "stop", "--port", base_url.rsplit(":", 1)[1], env=env)
        replays = [f"--replay={p['id']}={tmp}/report-{p['previous']}/report.json" for p in pairs]
        session.run("conformance", "compat", *replays)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Rewrite the README's per-profile tables from the profile table (a unit test checks them)."""
    session.install("-e", ".")
    script = (
        "from pathlib import Path\nfrom conformance.spec.profile_tables import render_readme\n"
        "p = Path('README.md'); p.write_text(render_readme(p.read_text()))"
    )
    session.run("python", "-c", script)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Every tests/bench/bench_*.py in turn, not part of pytest: the default run's wall time and its ratio
    to the Schemathesis CLI, detection by the default and thorough paths (bench_run), check and replay
    throughput, peak memory against huge bodies and long streams (docs/performance.md)."""
    from pathlib import Path

    session.install("-e", ".")
    for script in sorted(Path("tests/bench").glob("bench_*.py")):
        session.run("python", "-m", f"tests.bench.{script.stem}")


@nox.session(python=PYTHON)
def baselines(session: nox.Session) -> None:
    """Regenerate each reference's known findings: `conformance run` on it as the embedded server.

    Reasons already written in a file are kept; entries that no longer occur are dropped.
    """
    import tempfile

    session.install("-e", ".")
    paths = {p["release"]: p["known_findings"] for p in _profile_table(session) if p["release"]}
    with tempfile.TemporaryDirectory(prefix="conformance-baselines-") as tmp:
        for release in session.posargs or list(paths):
            known = paths[release]
            session.run(
                "conformance", "run", "--server", release, "--write-baseline", known,
                "--report-dir", f"{tmp}/{release}", env={"CONFORMANCE_STATE_DIR": tmp},
                success_codes=[0, 1],  # the findings are what we are collecting
            )  # fmt: skip
