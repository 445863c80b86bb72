"""Upstream reference servers: releases, run configurations and the launcher."""

from conformance.servers.reference.launcher import (
    DEFAULT_PORT,
    RunningReference,
    list_references,
    reference_server,
    start_reference,
    stop_references,
)
from conformance.servers.reference.releases import DEFAULT_RELEASE, RELEASES, Release, get_release

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
