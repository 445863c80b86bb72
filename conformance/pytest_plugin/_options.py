"""The plugin's command-line options: the CLI's target, baseline, seed and shard options, prefixed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conformance.core.client import ClientSettings
from conformance.core.errors import ConformanceError
from conformance.core.limits import DEFAULT_LIMITS, Limits
from conformance.core.results import Severity

__all__ = ["PluginOptions", "add_options", "plugin_options"]

_GROUP = "conformance"


def add_options(parser: pytest.Parser) -> None:
    from conformance.cli._options import SHARD_HELP  # one text for --shard and --conformance-shard

    group = parser.getgroup(_GROUP, "conformance: every case of the conformance suites as a pytest item")
    group.addoption(
        "--conformance-base-url",
        metavar="URL",
        default=None,
        help="Server to judge; without it the plugin collects nothing (its fixtures skip).",
    )
    group.addoption(
        "--conformance-profile",
        metavar="ID|DIR",
        default=None,
        help="Profile to judge by (a built-in id or a profile folder); default: detected from /v1/version.",
    )
    group.addoption(
        "--conformance-suite",
        action="append",
        default=[],
        metavar="NAME",
        help="Run only this suite (repeatable; default: every suite).",
    )
    group.addoption(
        "--conformance-baseline",
        metavar="FILE",
        default=None,
        help="Known findings (YAML): a case failing only by them is xfail with the entry's reason.",
    )
    group.addoption(
        "--conformance-allow-stale",
        action="store_true",
        default=False,
        help="Do not fail (conformance::baseline/stale) when baselined findings no longer occur.",
    )
    group.addoption(
        "--conformance-api-key",
        metavar="KEY",
        default=None,
        help="Sent as 'Authorization: Bearer KEY' (default: $CONFORMANCE_API_KEY); redacted everywhere.",
    )
    group.addoption(
        "--conformance-header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="Extra header on every request (repeatable); values are redacted.",
    )
    group.addoption("--conformance-seed", type=int, default=0, help="Generation seed of the property suite.")
    group.addoption(
        "--conformance-max-examples", type=int, default=3, help="Property suite: examples per operation and phase."
    )
    group.addoption(
        "--conformance-shard",
        metavar="i/n",
        default=None,
        help=SHARD_HELP,
    )
    group.addoption(
        "--conformance-timeout",
        type=float,
        default=DEFAULT_LIMITS.timeout_s,
        help=f"Deadline for one request in seconds (default {DEFAULT_LIMITS.timeout_s:g}).",
    )
    group.addoption(
        "--conformance-fail-on",
        choices=[s.value.lower() for s in Severity],
        default="should",
        help="Lowest severity that fails a case (default should).",
    )
    group.addoption(
        "--conformance-reference",
        metavar="NAME==VERSION",
        default=None,
        help="Release the conformance_reference fixture starts (default: the CLI's embedded default).",
    )


@dataclass(frozen=True)
class PluginOptions:
    """The options, checked: a wrong value is a pytest usage error before anything is sent."""

    client: ClientSettings
    profile: str | None
    suites: tuple[str, ...]
    suite_settings: Any
    """The runner's ``SuiteSettings`` (imported lazily: the runner is heavy)."""
    fail_on: Severity
    baseline: Path | None
    allow_stale: bool


def plugin_options(config: pytest.Config) -> PluginOptions | None:
    """The checked options; ``None`` when ``--conformance-base-url`` is not given (the plugin is off)."""
    base_url = config.getoption("conformance_base_url")
    if not base_url:
        return None
    try:
        return _checked(config, base_url)
    except ConformanceError as exc:
        raise pytest.UsageError(exc.message) from None


def _checked(config: pytest.Config, base_url: str) -> PluginOptions:
    import os

    # One home for each of these: the CLI's option helpers, used here with the same checks.
    from conformance.cli._options import client_settings, suite_settings
    from conformance.core.errors import UsageError
    from conformance.runner.suites import check_suite_names

    timeout = config.getoption("conformance_timeout")
    if timeout < 0.1:
        raise UsageError(f"--conformance-timeout {timeout:g} must be at least 0.1 seconds")
    limits = Limits(timeout_s=timeout)
    client = client_settings(
        base_url,
        api_key=config.getoption("conformance_api_key") or os.environ.get("CONFORMANCE_API_KEY"),
        headers=tuple(config.getoption("conformance_header")),
        limits=limits,
    )
    profile = config.getoption("conformance_profile")
    if profile is not None:
        from conformance.scenarios import scenarios_for
        from conformance.spec.profile_folder import resolve_profile

        resolved = resolve_profile(profile)
        scenarios_for(resolved)  # a user profile's scenario files are read (and checked) now
        profile = resolved.id
    suites = tuple(config.getoption("conformance_suite"))
    check_suite_names(suites)
    examples = config.getoption("conformance_max_examples")
    if examples < 1:
        raise UsageError(f"--conformance-max-examples {examples} must be at least 1")
    settings = suite_settings(
        max_examples=examples,
        seed=config.getoption("conformance_seed"),
        workers=1,
        shard=config.getoption("conformance_shard"),
        shard_option="--conformance-shard",
        phases=(),
        disabled_checks=(),
        max_time=None,
        limits=limits,
    )
    baseline = config.getoption("conformance_baseline")
    if baseline is not None:
        from conformance.runner.baseline import load_baseline

        baseline = Path(baseline)
        load_baseline(baseline)  # a malformed baseline is a usage error before anything is sent
    return PluginOptions(
        client=client,
        profile=profile,
        suites=suites,
        suite_settings=settings,
        fail_on=Severity(config.getoption("conformance_fail_on").upper()),
        baseline=baseline,
        allow_stale=config.getoption("conformance_allow_stale"),
    )
