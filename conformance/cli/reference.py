"""`conformance reference`."""

from __future__ import annotations

from conformance.cli._pending import pending_command

command = group = pending_command("reference", "Start, stop and inspect upstream reference servers.", 2)
