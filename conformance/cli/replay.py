"""`conformance replay`."""

from __future__ import annotations

from conformance.cli._pending import pending_command

command = pending_command("replay", "Replay recorded cassettes against a server and classify the differences.", 5)
