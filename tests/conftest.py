"""Shared pytest configuration: every test runs with its own reference-state directory, and browser
tests skipped for want of Chromium are counted apart in the summary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from conformance.servers.serving import running_app

NO_CHROMIUM = "without Chromium (browser tests skipped)"
"""The summary line's word for browser tests skipped because no Chromium is installed."""


def _no_chromium(report: pytest.TestReport) -> bool:
    return "browser" in report.keywords and "Chromium" in str(report.longrepr)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """A plain "3 skipped" hid that the HTML report was never rendered: say so, with how to get Chromium,
    and count those tests apart in the summary line ("… 2 skipped, 3 without Chromium (browser tests skipped)"; a
    key not starting with "skipped", which tools that parse the line would read as the skip count)."""
    stats = terminalreporter.stats
    unrendered = [r for r in stats.get("skipped", []) if _no_chromium(r)]
    if not unrendered:
        return
    stats["skipped"] = [r for r in stats["skipped"] if r not in unrendered]
    if not stats["skipped"]:
        del stats["skipped"]
    stats[NO_CHROMIUM] = unrendered
    count = len(unrendered)
    terminalreporter.write_line(
        f"{count} browser test{'s' if count > 1 else ''} skipped: no Chromium, so report.html was not rendered. "
        "Install it (Debian/Ubuntu: apt-get install chromium; .ci/run does) and run again; see the README.",
        yellow=True,
        bold=True,
    )


@pytest.fixture(autouse=True, scope="session")
def _isolated_reference_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """References started by tests never mix with those a developer started by hand.

    The environment cache (CONFORMANCE_CACHE_DIR) is deliberately shared: building an upstream
    environment is the slow part, and it is keyed by its exact requirements.
    """
    state = tmp_path_factory.mktemp("reference-state")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CONFORMANCE_STATE_DIR", str(state))
        yield state


@pytest.fixture
def serve_app() -> Iterator[Callable[[Any], str]]:
    """``serve_app(asgi_app) -> base_url``: serve an in-process app on a real 127.0.0.1 port.

    For code that needs a real listener (Schemathesis, subprocesses); stopped after the test.
    """
    with ExitStack() as stack:
        yield lambda app: stack.enter_context(running_app(app))
