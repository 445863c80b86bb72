"""Options shared by the commands that judge a server (run, check, replay, record)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from conformance.core.client import ClientSettings, check_api_key, parse_header, validate_base_url
from conformance.core.limits import DEFAULT_LIMITS, Limits
from conformance.core.profiles import PROFILES, check_api_names, get_profile, known_apis, parse_apis
from conformance.core.results import Severity, Shard

if TYPE_CHECKING:
    from conformance.runner.severity_levels import SeverityLevels

__all__ = [
    "SHARD_HELP",
    "GateOptions",
    "api_option",
    "apis_epilog",
    "check_apis",
    "client_settings",
    "parse_shard",
    "property_options",
    "release_option",
    "report_options",
    "suite_settings",
    "target_options",
]


def target_options[F: Callable[..., Any]](*, base_url_required: bool) -> Callable[[F], F]:
    """--base-url, --profile, --api-key, --header and the limits (--timeout, --max-body-bytes).

    The command receives the limits as one ``limits: Limits`` argument.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def collect(*args: Any, **kwargs: Any) -> Any:
            timeout, max_body = kwargs.pop("timeout"), kwargs.pop("max_body_bytes")
            limits = Limits(timeout_s=timeout, max_body_bytes=max_body, max_stream_bytes=max(4 * max_body, 1 << 20))
            return func(*args, limits=limits, **kwargs)

        options = [
            click.option(
                "--base-url",
                required=base_url_required,
                metavar="URL",
                help="Server under test, e.g. http://127.0.0.1:8321."
                + ("" if base_url_required else " Without it, an embedded reference is started."),
            ),
            click.option(
                "--profile",
                callback=_profile,
                default=None,
                metavar="ID|DIR",
                help=f"API profile to judge by: {', '.join(PROFILES)}, or a profile folder "
                "(conformance profile init). Default: detected from /v1/version.",
            ),
            click.option(
                "--api-key",
                default=None,
                envvar="CONFORMANCE_API_KEY",
                metavar="KEY",
                help="Sent as 'Authorization: Bearer KEY'; redacted from every output.",
            ),
            click.option(
                "--header",
                "headers",
                multiple=True,
                metavar="'NAME: VALUE'",
                help="Extra header on every request (repeatable); values are redacted.",
            ),
            click.option(
                "--timeout",
                type=click.FloatRange(min=0.1),
                default=DEFAULT_LIMITS.timeout_s,
                show_default=True,
                metavar="SECONDS",
                help="Deadline for one request: connecting, the headers and the whole body (an event stream gets as "
                "long again after its headers). A request that misses it is an error; after 3 in a row the server "
                "counts as hung.",
            ),
            click.option(
                "--max-body-bytes",
                type=click.IntRange(min=1024),
                default=DEFAULT_LIMITS.max_body_bytes,
                show_default=True,
                metavar="BYTES",
                help="Largest answer body read (an event stream may be 4 times as large); a larger one is an "
                "error, never read whole.",
            ),
        ]
        wrapped: Any = collect
        for option in reversed(options):
            wrapped = option(wrapped)
        return cast(F, wrapped)

    return decorate


def _profile(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A built-in id, or a folder whose profile and scenarios are loaded (and registered) now: a
    malformed profile is exit 2 before any server is contacted. The command gets the profile's id."""
    if value is None:
        return None
    from conformance.scenarios import scenarios_for
    from conformance.spec.profile_folder import resolve_profile

    profile = resolve_profile(value)
    scenarios_for(profile)  # a user profile's scenario files are read (and checked) here
    return profile.id


def _apis(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    return parse_apis(values)  # checked against the profile by check_apis, before any server is contacted


def api_option[F: Callable[..., Any]](func: F) -> F:
    """``--api responses,chat``: judge only these API groups of the profile (``apis: tuple[str, ...]``)."""
    return click.option(
        "--api",
        "apis",
        multiple=True,
        callback=_apis,
        metavar="API[,API...]",
        help=(
            "Judge only these APIs (comma-separated, repeatable); cases of the others are disabled and "
            "nothing is sent for them. An operation's API is its path's first segment after the version "
            f"(/v1/chat/completions: chat); models is always included. APIs: {', '.join(known_apis())}."
        ),
    )(func)


def apis_epilog() -> str:
    """The API groups of each profile, for a command's ``--help`` (kept as laid out: ``\\b``)."""
    import textwrap

    lines = ["\b", "APIs per profile (--api; health and version are inspect; models is always judged):"]
    for profile in PROFILES.values():
        text = textwrap.fill(", ".join(profile.apis), width=96, initial_indent="    ", subsequent_indent="    ")
        lines += [f"  {profile.id}:", text]
    return "\n".join(lines)


def check_apis(apis: tuple[str, ...], profile: str | None) -> None:
    """An API the profile lacks (or, with the profile still to be detected, that no known profile has)
    is a usage error before any server starts."""
    if not apis:
        return
    if profile is not None:
        get_profile(profile).select_apis(apis)
    else:
        check_api_names(apis)


@dataclass(frozen=True)
class GateOptions:
    """How a judging command reports and gates: collected from --report-dir ... -v into one value."""

    report_dir: Path
    baseline: Path | None
    write_baseline: Path | None
    allow_stale: bool
    fail_on: Severity
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    verbose: bool
    severity_levels: SeverityLevels | None = None
    """Read from --severity-levels before anything starts: a malformed file is exit 2 up front."""
    max_run_time: float | None = None
    no_progress: bool = False
    """No live display (``--no-progress``; output that is no terminal has none either)."""

    def with_baseline(self, baseline: Path, *, allow_stale: bool) -> GateOptions:
        return replace(self, baseline=baseline, allow_stale=allow_stale)


_GATE_FIELDS = (
    "report_dir",
    "baseline",
    "write_baseline",
    "allow_stale",
    "fail_on",
    "include",
    "exclude",
    "verbose",
    "severity_levels",
    "max_run_time",
    "no_progress",
)


def _check_writable(folder: Path) -> None:
    """A usage error when reports cannot be written to ``folder`` (created when missing)."""
    import tempfile

    from conformance.core.errors import UsageError

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".conformance-write-check-"):
            pass
    except OSError as exc:
        raise UsageError(f"--report-dir {folder} is not writable ({exc.strerror or exc})") from None


def report_options[F: Callable[..., Any]](func: F) -> F:
    """--report-dir, --baseline, --write-baseline, --allow-stale, --fail-on, --include, --exclude, -v, --no-progress.

    The command receives them as one ``gate: GateOptions`` argument.
    """

    @functools.wraps(func)
    def collect(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in _GATE_FIELDS}
        values["fail_on"] = Severity(values["fail_on"].upper())
        _check_writable(values["report_dir"])  # before any server starts, not after the whole run
        if values["baseline"] is not None:
            from conformance.runner.baseline import load_baseline

            load_baseline(values["baseline"])  # a malformed baseline is exit 2 before any server starts
        if values["severity_levels"] is not None:
            from conformance.runner.severity_levels import load_severity_levels, rule_ids

            values["severity_levels"] = load_severity_levels(values["severity_levels"], rule_ids())
        return func(*args, gate=GateOptions(**values), **kwargs)

    options = [
        click.option(
            "--report-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("conformance-report"),
            show_default=True,
            help="Where report.json, junit.xml, summary.md and report.html are written.",
        ),
        click.option(
            "--baseline",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Known findings (YAML): expected ones do not fail the run.",
        ),
        click.option(
            "--write-baseline",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Write this run's findings as a baseline file.",
        ),
        click.option("--allow-stale", is_flag=True, help="Do not fail when baselined findings no longer occur."),
        click.option(
            "--fail-on",
            type=click.Choice([s.value.lower() for s in Severity]),
            default="should",
            show_default=True,
            help="Lowest severity that fails the run.",
        ),
        click.option(
            "--severity-levels",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            metavar="FILE",
            help="Your own level for rules: lines '<rule id> must|should|may|off' (off drops the rule).",
        ),
        click.option(
            "--include",
            multiple=True,
            metavar="PATTERN",
            help="Only cases whose id or operation matches this glob (repeatable).",
        ),
        click.option(
            "--exclude",
            multiple=True,
            metavar="PATTERN",
            help="Skip cases whose id or operation matches this glob (repeatable).",
        ),
        click.option(
            "--max-run-time",
            type=click.FloatRange(min=1),
            default=None,
            metavar="SECONDS",
            help="End the run after this long, reports written: cases not run by then are one error per suite.",
        ),
        click.option(
            "-v", "--verbose", is_flag=True, help="Print every case as it finishes, not only failures and warnings."
        ),
        click.option(
            "--no-progress",
            is_flag=True,
            help="No live progress line (CI logs); one line per suite as it ends. The default off a terminal.",
        ),
    ]
    wrapped: Any = collect
    for option in reversed(options):
        wrapped = option(wrapped)
    return cast(F, wrapped)


def client_settings(base_url: str, api_key: str | None, headers: tuple[str, ...], limits: Limits) -> ClientSettings:
    return ClientSettings(
        base_url=validate_base_url(base_url),
        api_key=check_api_key(api_key),
        headers=dict(parse_header(h) for h in headers),
        limits=limits,
    )


def release_option(purpose: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--server NAME==VERSION``: an upstream release from the reference table (default OGX 1.5.0)."""
    from conformance.servers.reference.releases import DEFAULT_RELEASE, RELEASES

    return click.option(
        "--server",
        "release",
        default=DEFAULT_RELEASE,
        show_default=True,
        metavar="NAME==VERSION",
        help=f"{purpose}: {', '.join(RELEASES)}.",
    )


SHARD_HELP = (
    "Judge only the i-th of n slices of every suite's cases (by resource, recording, check situation, SDK "
    "flow): n shards judge each case of the unsharded run once."
)
"""What ``--shard`` (the CLI) and ``--conformance-shard`` (the pytest plugin) do."""


def parse_shard(value: str | None, option: str = "--shard") -> Shard | None:
    """``--shard i/n``; anything else is one usage line (click's ``BadParameter`` prints four)."""
    from conformance.core.errors import UsageError

    if value is None:
        return None
    index, sep, count = value.partition("/")
    if not sep or not index.isdigit() or not count.isdigit() or not 1 <= int(index) <= int(count):
        raise UsageError(f"{option} {value!r} must look like i/n with 1 <= i <= n, e.g. 2/4")
    return Shard(index=int(index), count=int(count))


def property_options[F: Callable[..., Any]](func: F) -> F:
    """Depth and shape of the Schemathesis run: --max-examples, --seed, --workers, --shard, --phase, ..."""
    options = [
        click.option(
            "--max-examples",
            type=click.IntRange(min=1),
            default=3,
            show_default=True,
            help="Examples generated per operation and phase; raise it for depth.",
        ),
        click.option(
            "--seed",
            type=int,
            default=0,
            show_default=True,
            help="Generation seed: the same seed against the same server gives the same findings.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(1, 16),
            default=1,
            show_default=True,
            help="Concurrent Schemathesis workers (more may reorder stateful flows, and so findings).",
        ),
        click.option(
            "--shard",
            default=None,
            metavar="i/n",
            help=f"{SHARD_HELP} `conformance report merge` joins their report folders.",
        ),
        click.option(
            "--phase",
            "phases",
            multiple=True,
            type=click.Choice(["examples", "coverage", "fuzzing", "stateful"]),
            help="Schemathesis phases to run (repeatable; default: all four).",
        ),
        click.option(
            "--disable-check",
            "disabled_checks",
            multiple=True,
            metavar="NAME",
            help="Turn off a Schemathesis check by name, e.g. unsupported_method (repeatable).",
        ),
        click.option(
            "--spec",
            "spec_path",
            type=click.Path(dir_okay=False, exists=True, path_type=Path),
            default=None,
            help="Drive the property suite from this OpenAPI file instead of the profile's committed spec.",
        ),
        click.option(
            "--max-time",
            type=click.FloatRange(min=1),
            default=None,
            metavar="SECONDS",
            help="Stop generating after this long (the run still reports what it found).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def suite_settings(
    *,
    max_examples: int,
    seed: int,
    workers: int,
    shard: str | None,
    phases: tuple[str, ...],
    disabled_checks: tuple[str, ...],
    max_time: float | None,
    limits: Limits,
    spec_path: Path | None = None,
    clients: tuple[str, ...] = (),
    shard_option: str = "--shard",
) -> Any:
    """The runner's SuiteSettings from the options (imported lazily: the runner is heavy)."""
    from conformance.runner.property import PHASES, PropertySettings
    from conformance.runner.suites import SuiteSettings

    parsed = parse_shard(shard, shard_option)
    if spec_path is not None:
        from conformance.spec.loader import check_spec

        check_spec(spec_path)  # a broken --spec is exit 2 now, not exit 3 after the other suites ran
    prop = PropertySettings(
        max_examples=max_examples,
        seed=seed,
        workers=workers,
        phases=phases or PHASES,
        disabled_checks=frozenset(disabled_checks),
        max_time_s=max_time,
        limits=limits,
        spec_path=spec_path,
    )
    prop.validate()
    return SuiteSettings(property=prop, shard=parsed, clients=_clients(clients))


def _clients(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--client`` values, each checked now: a wrong one is one usage line before any server starts."""
    from conformance.clients.sdks import check_client
    from conformance.core.errors import UsageError

    checked = []
    for value in values:
        try:
            checked.append(check_client(value))
        except ValueError as exc:
            raise UsageError(f"--client: {exc}") from None
    return tuple(checked)
