"""`conformance run`."""

from __future__ import annotations

from conformance.cli._pending import pending_command

command = group = pending_command("run", "Run every suite against a server (the embedded reference by default).", 2)
