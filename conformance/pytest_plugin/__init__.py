"""The pytest plugin (entry point ``pytest11: conformance``): every conformance case as a pytest item.

Off unless ``--conformance-base-url`` is given: then the suites run at collection (through the same
runner as ``conformance run``; see :mod:`conformance.pytest_plugin._run`) and each case they produce is
an item ``conformance::<case id>`` with the markers ``conformance``, ``conformance_<suite>`` and its
severity (``must``, ``should``, ``may``). Without the option it only adds its options and fixtures.

Fixtures for a user's own tests: ``conformance_target``, ``conformance_client``,
``conformance_reference``, ``conformance_mock``; and :func:`assert_stream_conforms` judges a stream
by the streaming suite's checks.
"""

from __future__ import annotations

import pytest

from conformance.pytest_plugin._options import PluginOptions, add_options, plugin_options
from conformance.pytest_plugin.fixtures import (
    ConformanceTarget,
    assert_stream_conforms,
    conformance_client,
    conformance_mock,
    conformance_reference,
    conformance_target,
)

__all__ = [
    "ConformanceTarget",
    "assert_stream_conforms",
    "conformance_client",
    "conformance_mock",
    "conformance_reference",
    "conformance_target",
]

OPTIONS_KEY = pytest.StashKey[PluginOptions | None]()
_SEVERITY_MARKERS = {
    "must": "a conformance case whose rule is a MUST",
    "should": "a conformance case whose rule is a SHOULD",
    "may": "a conformance case whose rule is a MAY",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    options = plugin_options(config)  # a wrong option is a usage error here, before anything is sent
    config.stash[OPTIONS_KEY] = options
    if options is None:
        return
    from conformance.pytest_plugin._select import suite_marker
    from conformance.runner.suites import SUITES

    config.addinivalue_line("markers", "conformance: a case of the conformance suites")
    for name, info in SUITES.items():
        config.addinivalue_line("markers", f"{suite_marker(name)}: a case of the {name} suite ({info.description})")
    for name, text in _SEVERITY_MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
    config.pluginmanager.register(_Collection(options), "conformance-collection")


class _Collection:
    """Registered only when the plugin is on: adds the conformance items to pytest's collection."""

    def __init__(self, options: PluginOptions) -> None:
        self.options = options

    @pytest.hookimpl(tryfirst=True)  # before -k/-m deselect, so that they apply to these items too
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        from conformance.pytest_plugin._items import collect_cases

        items += collect_cases(session, lambda parent: self._items(parent, session, config))

    def _items(self, parent: pytest.Collector, session: pytest.Session, config: pytest.Config) -> list[pytest.Item]:
        from conformance.pytest_plugin._items import CaseItem, StaleBaselineItem
        from conformance.pytest_plugin._run import Share, run_suites
        from conformance.pytest_plugin._select import could_select
        from conformance.runner.suites import SUITES

        options = self.options
        keyword, markexpr = config.getoption("keyword") or "", config.getoption("markexpr") or ""
        names = [name for name in SUITES if not options.suites or name in options.suites]
        names = [
            name
            for name in names
            if could_select(name, keyword=keyword, markexpr=markexpr, session_names=[session.name], suites=SUITES)
        ]
        cases = run_suites(options, names, Share.of(getattr(config, "workerinput", None)))
        known: dict[tuple[str, str], str] = {}
        if options.baseline is not None:
            from conformance.runner.baseline import load_baseline

            known = {key: entry.reason for entry in load_baseline(options.baseline).entries for key in entry.keys}
        items: list[pytest.Item] = [
            CaseItem.from_parent(parent, name=c.id, case=c, known=known, fail_on=options.fail_on) for c in cases
        ]
        if options.baseline is not None and not options.allow_stale:
            seen = {f.key for case in cases for f in case.findings}
            stale = sorted(set(known) - seen)
            items.append(StaleBaselineItem.from_parent(parent, name="baseline/stale", stale=stale))
        return items
