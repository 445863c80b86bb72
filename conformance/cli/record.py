"""`conformance record`."""

from __future__ import annotations

from conformance.cli._pending import pending_command

command = pending_command("record", "Record scenario cassettes against a server.", 5)
