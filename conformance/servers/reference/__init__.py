"""Upstream reference servers: releases, run configurations and the launcher.

The launcher (and with it the model server) is imported on first use: the release table is what most
commands need, and ``conformance mock serve`` starts in well under two seconds without the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conformance.servers.reference.releases import DEFAULT_RELEASE, RELEASES, Release, get_release

if TYPE_CHECKING:
    from conformance.servers.reference.launcher import (
        DEFAULT_PORT,
        RunningReference,
        list_references,
        reference_server,
        start_reference,
        stop_references,
    )

__all__ = [
    "DEFAULT_PORT",
    "DEFAULT_RELEASE",
    "RELEASES",
    "Release",
    "RunningReference",
    "get_release",
    "list_references",
    "reference_server",
    "start_reference",
    "stop_references",
]

_LAUNCHER = frozenset(__all__) - {"DEFAULT_RELEASE", "RELEASES", "Release", "get_release"}


def __getattr__(name: str) -> Any:
    if name in _LAUNCHER:
        from conformance.servers.reference import launcher

        return getattr(launcher, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
