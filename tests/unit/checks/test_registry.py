"""conformance/checks/registry.py: one registry, stable kebab-case ids, every check testable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.checks import KINDS, all_checks, checks_for, get_check
from conformance.checks.registry import _REGISTRY, check
from conformance.core.results import Severity
from tests.fakes import BREAKABLE
from tests.fakes.expect import assert_fires_alone, assert_quiet


def test_every_check_has_a_variant_of_the_fake_that_breaks_it() -> None:
    assert {c.id for c in all_checks()} == BREAKABLE


def test_ids_and_case_segments_are_unique() -> None:
    ids = [c.id for c in all_checks()]
    assert len(ids) == len(set(ids))
    chat = (
        "sse",
        "chat-stream",
        "chat-stream-usage",
        "chat-stream-tool-calls",
        "chat-stream-choices",
        "chat-stream-logprobs",
    )
    for kinds in (
        ("sse", "responses-stream", "responses-function-call"),
        ("responses-stream", "responses-socket"),
        ("responses-socket-error",),
        ("responses-socket-retry",),
        chat,
    ):
        shorts = [c.short_id for c in checks_for(kinds)]
        assert len(shorts) == len(set(shorts)), kinds


def test_every_check_documents_its_rule() -> None:
    for c in all_checks():
        assert c.title, c.id
        assert c.description, c.id


def test_all_checks_are_grouped_by_kind_in_documentation_order() -> None:
    order = list(KINDS)
    kinds = [order.index(c.kind) for c in all_checks()]
    assert kinds == sorted(kinds)


def test_short_ids_drop_the_family_prefix() -> None:
    assert get_check("responses-stream-first-event").short_id == "first-event"
    assert get_check("chat-stream-usage-chunk").short_id == "usage-chunk"
    assert get_check("error-unknown-id-404").short_id == "unknown-id-404"
    assert get_check("responses-socket-turn-ends").short_id == "turn-ends"


@pytest.fixture
def scratch_registry() -> Iterator[None]:
    saved = dict(_REGISTRY)
    yield
    _REGISTRY.clear()
    _REGISTRY.update(saved)


@pytest.mark.usefixtures("scratch_registry")
def test_bad_registrations_are_refused() -> None:
    with pytest.raises(ValueError, match="kebab-case"):
        check("Not_Kebab", severity=Severity.MUST, kind="sse", title="t")
    with pytest.raises(ValueError, match="unknown kind"):
        check("fine-id", severity=Severity.MUST, kind="nope", title="t")
    with pytest.raises(ValueError, match="registered twice"):
        check("sse-content-type", severity=Severity.MUST, kind="sse", title="t")(lambda ctx: [])
    with pytest.raises(KeyError, match="unknown check id"):
        get_check("no-such-check")


@pytest.mark.parametrize("check_id", sorted(BREAKABLE))
def test_every_check_fires_alone_on_the_fake_that_breaks_it(check_id: str) -> None:
    assert_fires_alone(check_id)


@pytest.mark.parametrize("check_id", sorted(BREAKABLE))
def test_every_check_stays_quiet_on_the_conformant_fake(check_id: str) -> None:
    assert_quiet(check_id)
