"""`conformance export`."""

from __future__ import annotations

from conformance.cli._pending import pending_command

command = pending_command("export", "Export a profile's OpenAPI spec from its protocol definitions.", 3)
