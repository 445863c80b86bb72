from __future__ import annotations

from conformance.core.redact import REDACTED, Redactor


def test_secret_values_are_scrubbed_anywhere_in_text() -> None:
    redactor = Redactor.for_values(["sk-very-secret"])
    assert redactor.text("token sk-very-secret echoed back") == f"token {REDACTED} echoed back"


def test_sensitive_headers_are_redacted_by_name_and_custom_header_names_too() -> None:
    redactor = Redactor.for_values(["abcd1234"], extra_headers=["X-Tenant-Token"])
    headers = redactor.headers([("Authorization", "Bearer zzz"), ("X-Tenant-Token", "t"), ("Accept", "json")])
    assert headers == {"Authorization": REDACTED, "X-Tenant-Token": REDACTED, "Accept": "json"}


def test_very_short_values_are_not_treated_as_secrets() -> None:
    # Redacting "a" would mangle every report; such values cannot be secrets worth hiding anyway.
    assert Redactor.for_values(["a", ""]).text("a banana") == "a banana"
