"""Exit codes and the two kinds of error a user can cause or meet.

A *failure* is the server breaking the contract; it is data (a Finding), never an exception.
An *error* is the harness, the network or the configuration breaking; it is raised as one of
the exceptions below and turned into a one-line message and a distinct exit code by the CLI.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ConformanceError", "ExitCode", "HarnessError", "UsageError"]


class ExitCode(IntEnum):
    """Process exit codes, documented in the README."""

    OK = 0
    """Conformant: every check passed (or only baselined findings remain)."""
    FAILURES = 1
    """The server broke the contract: at least one unexpected finding (or a stale baseline entry)."""
    USAGE = 2
    """Bad input: unknown option, release or profile, malformed spec, cassette or config, port in use."""
    HARNESS = 3
    """The harness could not judge: server unreachable or hanging, a reference that died on start."""


class ConformanceError(Exception):
    """Base class for errors reported as a single line, never a traceback."""

    exit_code: ExitCode = ExitCode.HARNESS

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        """Optional multi-line context printed under the message (for example a log tail)."""


class UsageError(ConformanceError):
    """The user gave us something we cannot use (exit 2)."""

    exit_code = ExitCode.USAGE


class HarnessError(ConformanceError):
    """The harness, the network or a server we depend on broke (exit 3)."""

    exit_code = ExitCode.HARNESS
