"""`conformance check`."""

from __future__ import annotations

from conformance.cli._pending import pending_command

command = pending_command("check", "Run the property-based conformance checks against a server.", 4)
