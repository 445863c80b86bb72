"""`conformance model`."""

from __future__ import annotations

from conformance.cli._pending import pending_command

command = group = pending_command("model", "Run the deterministic OpenAI-compatible model server.", 2)
