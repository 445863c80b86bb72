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
