"""Secret redaction for everything we write: reports, evidence, cassettes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["REDACTED", "SENSITIVE_HEADERS", "Redactor"]

REDACTED = "<redacted>"

SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie", "openai-api-key"}
)


@dataclass(frozen=True)
class Redactor:
    """Removes known secret values anywhere in text and sensitive headers by name.

    ``secrets`` are the literal values the user passed (``--api-key``, ``--header`` values); they are
    scrubbed from any string, so a secret echoed back in a body or an error message is caught too.
    """

    secrets: frozenset[str] = field(default_factory=frozenset)
    header_names: frozenset[str] = SENSITIVE_HEADERS
    base_url: str = ""
    """The target's base URL: reproductions (``core.reproduce``) write it as ``$CONFORMANCE_BASE_URL``."""
    variables: tuple[tuple[str, str], ...] = ()
    """``(secret, shell variable)``: what a reproduction writes instead of each secret."""

    @classmethod
    def for_values(cls, values: Iterable[str], extra_headers: Iterable[str] = ()) -> Redactor:
        # Very short values would redact innocent text all over a report; they are not secrets anyway.
        secrets = frozenset(v for v in values if v and len(v) >= 4)
        names = SENSITIVE_HEADERS | {h.lower() for h in extra_headers}
        return cls(secrets=secrets, header_names=frozenset(names))

    def text(self, value: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            value = value.replace(secret, REDACTED)
        return value

    def headers(self, headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
        items = headers.items() if isinstance(headers, Mapping) else headers
        return {name: (REDACTED if name.lower() in self.header_names else self.text(value)) for name, value in items}
