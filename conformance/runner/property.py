"""The property suite: Schemathesis drives every operation of the profile's spec.

We use Schemathesis' engine through its Python API (examples, coverage, fuzzing and stateful
phases; the stateful phase follows the spec's OpenAPI links) and turn its events into our
results: one case per operation, one finding per (check, operation) with Schemathesis' minimal
reproduction as a curl command and a redacted excerpt of the exchange.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.core.errors import HarnessError, UsageError
from conformance.core.exchange import format_request, format_response
from conformance.core.guard_proxy import GuardProxy
from conformance.core.limits import DEFAULT_LIMITS, Limits
from conformance.core.redact import Redactor
from conformance.core.reproduce import rewrite_command
from conformance.core.results import CaseResult, Evidence, Finding, Severity, Status
from conformance.runner.base import RunContext, case_status, disabled_case
from conformance.runner.property_messages import failure_message
from conformance.spec.hints import SSE_JSON_OR_DONE, with_done_sentinel, with_id_formats, with_multipart_files
from conformance.spec.loader import read_spec

__all__ = ["PHASES", "SCHEMATHESIS_CHECKS", "PropertySettings", "PropertySuite", "isolate_generation"]

SUITE = "property"
PHASES = ("examples", "coverage", "fuzzing", "stateful")


@dataclass(frozen=True, slots=True)
class SchemathesisCheck:
    name: str
    severity: Severity
    asserts: str


# Schemathesis' built-in checks, with the severity this suite gives them. Ids are Schemathesis'
# own names so that its documentation applies as is.
SCHEMATHESIS_CHECKS: dict[str, SchemathesisCheck] = {
    c.name: c
    for c in (
        SchemathesisCheck("not_a_server_error", Severity.MUST, "no 5xx for any input"),
        SchemathesisCheck("status_code_conformance", Severity.SHOULD, "the status code is documented"),
        SchemathesisCheck("content_type_conformance", Severity.MUST, "the content type is documented"),
        SchemathesisCheck("response_schema_conformance", Severity.MUST, "the body matches the documented schema"),
        SchemathesisCheck("response_headers_conformance", Severity.SHOULD, "documented headers are present and valid"),
        SchemathesisCheck("positive_data_acceptance", Severity.SHOULD, "schema-valid input is accepted"),
        SchemathesisCheck("negative_data_rejection", Severity.SHOULD, "schema-invalid input is rejected with 4xx"),
        SchemathesisCheck("use_after_free", Severity.MUST, "a deleted resource is gone"),
        SchemathesisCheck("ensure_resource_availability", Severity.MUST, "a created resource can be fetched"),
        SchemathesisCheck("missing_required_header", Severity.SHOULD, "a missing required header is rejected"),
        SchemathesisCheck("ignored_auth", Severity.MUST, "declared authentication is enforced"),
        SchemathesisCheck("unsupported_method", Severity.MAY, "an undocumented method answers 405"),
        SchemathesisCheck("allow_header_conformance", Severity.MAY, "405 answers carry an Allow header"),
    )
}

# Valid input may still name a resource that does not exist (a well-formed unknown id): 404 is then
# correct. It may also meet a resource whose state refuses it (cancelling a response that already
# completed): 409 Conflict says exactly that, and is no rejection of the input.
_POSITIVE_EXPECTED = ["2XX", 404, 409]


@dataclass(frozen=True, slots=True)
class PropertySettings:
    max_examples: int = 3
    seed: int = 0
    workers: int = 1
    """One worker: Schemathesis' generation is CPU-bound under the GIL, so a second worker measured no faster,
    and with one the same seed against a fresh server gives the same findings."""
    phases: tuple[str, ...] = PHASES
    disabled_checks: frozenset[str] = frozenset()
    max_time_s: float | None = None
    limits: Limits = DEFAULT_LIMITS
    """Every request goes through the guard proxy, which holds it to these (see core/guard_proxy.py)."""
    spec_path: Path | None = None
    """Overrides the profile's committed spec (tests, custom specs)."""

    def validate(self) -> None:
        unknown = sorted(set(self.disabled_checks) - set(SCHEMATHESIS_CHECKS))
        if unknown:
            raise UsageError(f"unknown check {unknown[0]!r} (known: {', '.join(SCHEMATHESIS_CHECKS)})")
        bad = sorted(set(self.phases) - set(PHASES))
        if bad:
            raise UsageError(f"unknown phase {bad[0]!r} (known: {', '.join(PHASES)})")


def _config(ctx: RunContext, settings: PropertySettings, proxy: str) -> dict[str, Any]:
    checks: dict[str, Any] = {name: {"enabled": name not in settings.disabled_checks} for name in SCHEMATHESIS_CHECKS}
    checks["positive_data_acceptance"]["expected-statuses"] = _POSITIVE_EXPECTED
    config: dict[str, Any] = {
        "base-url": ctx.client.settings.base_url,
        "headers": ctx.client.settings.all_headers(),
        "seed": settings.seed,
        "workers": settings.workers,
        # The guard proxy holds every request to the run's limits (deadline, body size, the breaker) and cuts
        # the connection when one is hit; requests' own per-read timeout is only a backstop behind it.
        "proxy": proxy,
        "request-timeout": settings.limits.timeout_s + 2,
        "max-stream-events": settings.limits.max_stream_events,
        "max-redirects": 0,  # a redirect is the answer under test; a redirect loop is not followed
        "generation": {"max-examples": settings.max_examples, "deterministic": True, "database": "none"},
        "phases": {phase: {"enabled": phase in settings.phases} for phase in PHASES},
        "checks": checks,
        "color": False,
        # Schemathesis' per-project cache replays earlier crashes in later runs: state outside the run
        # (in the user's working directory) would make the same seed give different findings.
        "cache": {"enabled": False},
    }
    max_time = min((t for t in (settings.max_time_s, ctx.time_left()) if t is not None), default=None)
    if max_time is not None:
        config["max-time"] = max(1, int(max_time))  # --max-time, or what --max-run-time leaves
    return config


def _pairs(headers: dict[str, list[str]] | dict[str, str]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, value in headers.items():
        pairs += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return pairs


def _evidence(interaction: Any, redactor: Redactor) -> Evidence | None:
    if interaction is None:
        return None
    request = interaction.request
    response = interaction.response
    req = format_request(request.method, request.uri, _pairs(request.headers), request.body, redactor)
    if response is None:
        return Evidence(request=req, response="(no response)")
    resp = format_response(response.status_code, response.message, _pairs(response.headers), response.content, redactor)
    return Evidence(request=req, response=resp)


_SCHEMA_WORDS = frozenset(
    {"properties", "items", "anyOf", "oneOf", "allOf", "additionalProperties", "prefixItems", "pattern"}
)


@dataclass
class _Collector:
    """Folds engine events into per-operation findings, errors and the checks that ran."""

    redactor: Redactor
    findings: dict[str, dict[str, Finding]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    exercised: dict[str, set[str]] = field(default_factory=dict)
    """operation -> names of the checks that judged at least one of its responses."""
    seconds: dict[str, float] = field(default_factory=dict)
    """operation -> seconds Schemathesis spent on its scenarios (generating, sending, checking)."""
    guard: GuardProxy | None = None
    """The proxy the requests went through: it says why it cut one (a deadline, a body over the limit)."""
    hinted: frozenset[str] = frozenset()
    """Names that carry a generation hint's pattern (``conversation_id``). The pattern is not the
    contract's, so a negative case that only breaks it is no schema-invalid request, and a server that
    accepts it is right."""

    def _breaks_only_a_hint(self, check: str, case: Any) -> bool:
        if check != "negative_data_rejection" or not self.hinted or case is None:
            return False
        data = getattr(getattr(getattr(case, "meta", None), "phase", None), "data", None)
        mutations = tuple(getattr(data, "mutations", ()) or ())
        if mutations:
            return all(set(m.keywords) == {"pattern"} and self._names_hinted(m.parameter, m.path) for m in mutations)
        if str(getattr(data, "scenario", "")) != "invalid_pattern":
            return False
        # The coverage phase names a body field by its schema location (``/properties/file_ids/items/pattern``).
        parts = str(getattr(data, "location", "") or "").split("/")
        location = [p for p in parts if p and not p.isdigit() and p not in _SCHEMA_WORDS]
        return getattr(data, "parameter", None) in self.hinted or (bool(location) and location[-1] in self.hinted)

    def _names_hinted(self, parameter: str | None, path: Any) -> bool:
        """A parameter named in the hints, or a body field (the innermost name on the mutation's path)."""
        field = next((p for p in reversed(tuple(path or ())) if isinstance(p, str)), None)
        return parameter in self.hinted or field in self.hinted

    def scenario(self, recorder: Any) -> None:
        for case_id, nodes in recorder.checks.items():
            case_node = recorder.cases.get(case_id)
            default_operation = case_node.value.operation.label if case_node is not None else recorder.label
            for node in nodes:
                if node.failure_info is None:
                    self.exercised.setdefault(default_operation, set()).add(node.name)
                    continue
                failure = node.failure_info.failure
                operation = failure.operation or default_operation
                self.exercised.setdefault(operation, set()).add(node.name)
                if self._breaks_only_a_hint(node.name, case_node.value if case_node is not None else None):
                    continue
                by_check = self.findings.setdefault(operation, {})
                if node.name in by_check:
                    continue
                check = SCHEMATHESIS_CHECKS.get(node.name)
                interaction = recorder.interactions.get(case_id)
                response = interaction.response if interaction is not None else None
                case = case_node.value if case_node is not None else None
                by_check[node.name] = Finding(
                    check_id=node.name,
                    severity=check.severity if check else Severity.SHOULD,
                    operation=operation,
                    message=self.redactor.text(failure_message(node.name, failure, response, case)),
                    reproduction=rewrite_command(node.failure_info.code_sample, self.redactor),
                    evidence=_evidence(interaction, self.redactor),
                )

    def timed(self, recorder: Any, label: str | None, elapsed: float) -> None:
        """Add a scenario's time to its operation; a scenario over several operations (stateful, fuzzing)
        is shared among them by the number of requests each got."""
        if label is not None:
            self.seconds[label] = self.seconds.get(label, 0.0) + elapsed
            return
        operations = [node.value.operation.label for node in recorder.cases.values()]
        for operation in operations:
            self.seconds[operation] = self.seconds.get(operation, 0.0) + elapsed / len(operations)

    def error(self, label: str, value: BaseException) -> None:
        cause = self.guard.explain(label) if self.guard is not None else None
        text = str(value).strip().splitlines()
        message = cause or (text[0][:300] if text else type(value).__name__)
        self.errors.setdefault(label, self.redactor.text(message))


class _PhaseProgress:
    """How far the engine is, in units of one operation in one phase (the stateful phase is one unit):
    an operation counts once its first scenario of the phase finished, and a finished phase counts in
    full (an operation the phase had nothing to generate for sends no event)."""

    PER_OPERATION = ("examples", "coverage", "fuzzing")

    def __init__(self, ctx: RunContext, phases: tuple[str, ...], operations: int) -> None:
        self.ctx = ctx
        self.operations = operations
        self.per_operation = [p for p in self.PER_OPERATION if p in phases]
        self.total = operations * len(self.per_operation) + (1 if "stateful" in phases else 0)
        self.done = 0
        """Units of the phases already finished."""
        self.seen: set[str] = set()
        """Operations the current phase finished a scenario of."""
        ctx.units(0, self.total)

    def scenario_finished(self, phase: str, recorder: Any, label: str | None) -> None:
        if phase not in self.per_operation:
            return
        labels = {label} if label is not None else {node.value.operation.label for node in recorder.cases.values()}
        before = len(self.seen)
        self.seen |= labels
        if len(self.seen) != before:
            self.ctx.units(min(self.total, self.done + min(len(self.seen), self.operations)), self.total)

    def phase_finished(self, phase: str) -> None:
        if phase in self.per_operation:
            self.done += self.operations
        elif phase == "stateful":
            self.done += 1
        else:
            return
        self.seen.clear()
        self.ctx.units(min(self.done, self.total), self.total)


def _is_ok(result: Any) -> bool:
    """Schemathesis yields Ok/Err results per operation; an Err is an operation it cannot test."""
    from schemathesis.core.result import Ok

    return isinstance(result, Ok)


def _label(result: Any) -> str:
    return str(result.ok().label)


class PropertySuite:
    """Implements :class:`conformance.runner.base.Suite`."""

    name = SUITE

    def __init__(self, settings: PropertySettings | None = None) -> None:
        self.settings = settings or PropertySettings()
        self.settings.validate()

    def _load(self, ctx: RunContext, proxy: str) -> Any:
        import schemathesis
        from schemathesis.config import SchemathesisConfig
        from schemathesis.core.errors import LoaderError

        path = self.settings.spec_path or ctx.profile.spec_path
        if not path.is_file():
            raise UsageError(f"no spec for profile {ctx.profile.id} at {path} (run `conformance export`)")
        config = SchemathesisConfig.from_dict(_config(ctx, self.settings, proxy))
        # The profile's id formats steer generation; the spec on disk stays as upstream declares it.
        document = with_multipart_files(with_id_formats(read_spec(path), ctx.profile.id_formats))
        document = with_done_sentinel(document)  # data: [DONE] is judged by chat-stream-done-sentinel
        _register_json_or_done()
        isolate_generation()
        try:
            schema = schemathesis.openapi.from_dict(document, config=config)
        except LoaderError as exc:
            raise UsageError(f"{path}: cannot load the spec: {str(exc).strip().splitlines()[0]}") from None
        labels = sorted(_label(result) for result in schema.get_all_operations() if _is_ok(result))
        units = _shard_units(schema, labels) if ctx.options.shard is not None else {}
        in_shard = ctx.in_shard(labels, lambda label: units[label])
        wanted = [label for label in in_shard if ctx.wants(f"{SUITE}/{label}", label)]
        # Operations of APIs --api leaves out never reach Schemathesis; each gets one disabled case.
        disabled = {label: reason for label in wanted if (reason := ctx.unselected(label)) is not None}
        wanted = [label for label in wanted if label not in disabled]
        return schema.include(name=wanted) if len(wanted) != len(labels) else schema, wanted, disabled

    def run(self, ctx: RunContext) -> Iterator[CaseResult]:
        with GuardProxy(ctx.client.settings.base_url, self.settings.limits, ctx.client.breaker) as guard:
            ctx.working_on("loading the spec")
            schema, operations, disabled = self._load(ctx, guard.url)
            for label, reason in sorted(disabled.items()):
                yield disabled_case(f"{SUITE}/{label}", suite=SUITE, operation=label, reason=reason)
            if operations:
                yield from self._run(ctx, schema, operations, guard)

    def _run(self, ctx: RunContext, schema: Any, operations: list[str], guard: GuardProxy) -> Iterator[CaseResult]:
        from schemathesis.engine import StopReason, events, from_schema

        collector = _Collector(redactor=ctx.client.redactor, hinted=frozenset(ctx.profile.id_formats), guard=guard)
        progress = _PhaseProgress(ctx, self.settings.phases, len(operations))
        stream = from_schema(schema).execute()
        for event in stream:
            if ctx.client.breaker.hung is not None:
                stream.finish()  # the server is hung: nothing more is sent, so nothing more to generate
                break
            if isinstance(event, events.ScenarioStarted):
                ctx.working_on(f"{event.label or 'links between operations'} ({event.phase.value} phase)")
            elif isinstance(event, events.FuzzScenarioStarted):
                ctx.working_on("several operations (fuzzing)")
            elif isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
                collector.scenario(event.recorder)
                collector.timed(event.recorder, getattr(event, "label", None), event.elapsed_time)
                phase = str(getattr(event, "phase", "fuzzing"))  # a fuzz scenario carries no phase: it is fuzzing's
                progress.scenario_finished(phase, event.recorder, getattr(event, "label", None))
            elif isinstance(event, events.PhaseFinished):
                progress.phase_finished(str(event.phase.name))
            elif isinstance(event, events.NonFatalError):
                collector.error(event.label, event.value)
            elif isinstance(event, events.FatalError):
                raise HarnessError(f"schemathesis could not run: {str(event.exception).strip().splitlines()[0]}")
            elif isinstance(event, events.EngineFinished) and event.stop_reason is StopReason.SERVER_UNAVAILABLE:
                raise HarnessError(f"{ctx.client.settings.base_url} stopped responding during the property tests")
        for operation in sorted(operations):
            yield from self._cases(operation, collector, ctx)

    @staticmethod
    def _cases(operation: str, collector: _Collector, ctx: RunContext) -> Iterator[CaseResult]:
        """One case per check that judged the operation (``property/<operation>/<check>``), so that
        reports show each Schemathesis check as its own column; one ``error`` case when some of the
        operation's requests could not be judged, one ``skip`` case when none were sent."""
        findings = collector.findings.get(operation, {})
        checks = sorted(collector.exercised.get(operation, set()) | set(findings))
        # The operation's time is shared among its cases, so that a report's suite time is the time spent.
        seconds = round(collector.seconds.get(operation, 0.0) / max(1, len(checks)), 4)
        for check in checks:
            found = (findings[check],) if check in findings else ()
            yield CaseResult(
                id=f"{SUITE}/{operation}/{check}",
                suite=SUITE,
                operation=operation,
                status=case_status(found, ctx.options.fail_on),
                findings=found,
                check_id=check,
                duration_s=seconds,
            )
        error = collector.errors.get(operation)
        if error is None and not checks and ctx.client.breaker.hung is not None:
            error = f"{operation} was not tested: {ctx.client.breaker.hung}"
        if error is not None:
            yield CaseResult(id=f"{SUITE}/{operation}", suite=SUITE, operation=operation, status=Status.ERROR,
                             error=error, duration_s=seconds)  # fmt: skip
        elif not checks:
            yield CaseResult(id=f"{SUITE}/{operation}", suite=SUITE, operation=operation, status=Status.SKIP,
                             reason="schemathesis generated no request for this operation")  # fmt: skip


def _shard_units(schema: Any, labels: list[str]) -> dict[str, str]:
    """``--shard``: operation label -> its unit's key (the unit's first label). Schemathesis does not test
    one operation alone: the unsupported_method check judges the methods a path leaves out, and a resource
    one operation creates (a vector store) is what its consumers are sent (``GET /v1/vector_stores/{id}``).
    So the operations of a path, and those that produce or consume one resource (its dependency graph),
    are one unit; each operation then draws from a seed derived from the run's and its label, as in an
    unsharded run (docs/reports.md, Shards)."""
    parent = {label: label for label in labels}

    def root(label: str) -> str:
        while parent[label] != label:
            parent[label] = label = parent[parent[label]]
        return label

    def join(group: list[str]) -> None:
        for label in group[1:]:
            parent[root(label)] = root(group[0])

    by_path: dict[str, list[str]] = {}
    for label in labels:
        by_path.setdefault(label.partition(" ")[2], []).append(label)
    by_resource: dict[int, list[str]] = {}
    for label, node in schema.analysis.dependency_graph.operations.items():
        if label in parent:
            for slot in (*node.inputs, *node.outputs):
                by_resource.setdefault(id(slot.resource), []).append(label)
    for group in (*by_path.values(), *by_resource.values()):
        join(group)
    members: dict[str, list[str]] = {}
    for label in labels:
        members.setdefault(root(label), []).append(label)
    return {label: min(members[root(label)]) for label in labels}


def isolate_generation() -> None:
    """Generate from the seed and the spec alone: no constants from local source files.

    Hypothesis (6.13x and later) mixes string and number literals of every *local* module loaded
    into the process (anything not in site-packages: this package when installed editable, the
    modules of the user's working directory) into the values it draws. The same seed then sent
    other requests after any edit of our code, or run from another directory, and so found other
    findings (a reference's known finding came and went with unrelated commits). There is no
    setting for it; the pool of local constants is made empty.
    """
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.constants_ast import Constants

    def no_local_constants() -> Constants:
        return Constants()

    providers._get_local_constants = no_local_constants
    providers.CONSTANTS_CACHE.cache.clear()


def _register_json_or_done() -> None:
    """Teach Schemathesis :data:`SSE_JSON_OR_DONE`: the ``[DONE]`` sentinel is not judged (a
    ``NotImplementedError`` makes Schemathesis skip the event), every other payload is JSON."""
    import json

    import schemathesis

    def deserialize(_ctx: Any, response: Any) -> Any:
        text = response.content.decode("utf-8")
        if text.strip() == "[DONE]":
            raise NotImplementedError("the [DONE] sentinel carries no document")
        return json.loads(text)

    schemathesis.deserializer(SSE_JSON_OR_DONE)(deserialize)
