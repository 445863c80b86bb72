"""Replay: send a recording's requests to another server and classify what changed.

For each cassette, in order: rewrite the request with the ids the target handed out so far
(``cassettes.bindings``), send it through the client's one path (``TargetClient.exchange``: streams
read incrementally within limits), learn new bindings from the answer, diff it against the recorded
answer (``diff``) and turn every difference into a finding. One case per interaction
(``replay/<scenario>/<nn>-<step>``) and one verdict per scenario (``replay/<scenario>``); breaking
differences fail, additive and value-only ones are reported at MAY so they never fail a run at the
default ``--fail-on``. A recording that calls an API ``--api`` leaves out is not replayed: all its
cases are ``disabled``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from conformance.cassettes import (
    Bindings,
    Cassette,
    Interaction,
    load_profile_cassettes,
    profile_recordings,
    reused_values,
)
from conformance.core.errors import UsageError
from conformance.core.exchange import evidence, to_curl
from conformance.core.http_exchange import Exchange
from conformance.core.profiles import Profile
from conformance.core.redact import REDACTED, Redactor
from conformance.core.results import (
    CaseResult,
    ClosestAnswer,
    Evidence,
    Finding,
    ReplayDetails,
    ReplayDifference,
    Severity,
    Status,
)
from conformance.core.settle import send_until
from conformance.core.sse import SSELimits
from conformance.diff import (
    Comparison,
    Difference,
    Level,
    Observed,
    Strictness,
    classify,
    closest_recorded,
    compare,
    enum_index,
    known_enum_values,
    observe,
    required_keys,
    tally,
    unified_diff,
)
from conformance.runner.base import CaseRecorder, RunContext, disabled_case
from conformance.runner.caps import FINDINGS_PER_CASE
from conformance.scenarios import models_from_listing, scenarios_for
from conformance.spec import load_spec

__all__ = ["SUITE", "ReplaySuite", "operation_template"]

SUITE = "replay"
SEVERITY = {Level.BREAKING: Severity.MUST, Level.ADDITIVE: Severity.MAY, Level.VALUE_ONLY: Severity.MAY}
_NOT_REPLAYED_HEADERS = frozenset({"host", "content-length", "accept-encoding", "connection", "user-agent"})
_ID_SEGMENT = re.compile(r"^(?=.*\d)[A-Za-z0-9_.:-]{8,}$")


def operation_template(method: str, path: str) -> str:
    """``GET /v1/responses/resp_1a2b3c4d`` -> ``GET /v1/responses/{id}`` (stable across recordings)."""
    segments = ["{id}" if _ID_SEGMENT.match(s) else s for s in path.split("?", 1)[0].split("/")]
    return f"{method} {'/'.join(segments)}"


def _recorded_observed(interaction: Interaction) -> Observed:
    response = interaction.response
    return observe(response.status, response.content_type, response.body)


@dataclass
class _Corpus:
    """Everything known about the loaded recordings, computed once per suite run."""

    cassettes: Sequence[Cassette]
    observed: dict[tuple[str, int], Observed] = field(default_factory=dict)
    known: dict[str, frozenset[str]] = field(default_factory=dict)
    spec: dict[str, Any] = field(default_factory=dict)
    _enums: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    _required: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for cassette in self.cassettes:
            for index, interaction in enumerate(cassette.interactions):
                self.observed[(cassette.name, index)] = _recorded_observed(interaction)
        self.known = known_enum_values([o.document() for o in self.observed.values()])

    def enums(self, method: str, path: str) -> dict[str, frozenset[str]]:
        """The spec's enums for one operation, walked once per operation (the walk is the slow part)."""
        key = operation_template(method, path)
        if key not in self._enums:
            self._enums[key] = enum_index(self.spec, method, path)
        return self._enums[key]

    def required(self, method: str, path: str, status: int) -> frozenset[str]:
        """Property names the spec requires in one operation's answers (a left-out null there breaks)."""
        key = (operation_template(method, path), status)
        if key not in self._required:
            self._required[key] = required_keys(self.spec, method, path, status)
        return self._required[key]

    def candidates(self, exclude: tuple[str, int]) -> Iterator[tuple[str, Observed]]:
        for cassette in self.cassettes:
            for index, interaction in enumerate(cassette.interactions):
                if (cassette.name, index) != exclude:
                    yield f"{cassette.name}/{interaction.step}", self.observed[(cassette.name, index)]


class ReplaySuite:
    """Implements :class:`conformance.runner.base.Suite`: replays a profile's recordings.

    ``cassettes`` replaces loading from ``recordings`` (tests, or a caller that loaded them first
    so that a malformed cassette is a usage error before anything is sent).
    """

    name = SUITE

    def __init__(
        self,
        profile: Profile,
        *,
        recordings: Path | None = None,
        strictness: Strictness = Strictness.SCHEMA,
        scenarios: tuple[str, ...] = (),
        cassettes: Sequence[Cassette] | None = None,
        limits: SSELimits | None = None,
    ) -> None:
        self.profile = profile
        self.recordings = profile_recordings(profile, recordings)
        """The folder of the profile's cassettes (``recordings``, when given, is a root of profile folders)."""
        self.strictness = strictness
        self.scenarios = scenarios
        self.limits = limits
        self._cassettes = list(cassettes) if cassettes is not None else None

    def cassettes(self) -> list[Cassette]:
        """The recordings to replay, in the scenario registry's order (the order they were recorded in)."""
        if self._cassettes is None:
            self._cassettes = load_profile_cassettes(self.recordings, self.profile.id, self.scenarios)
        order = {scenario.id: n for n, scenario in enumerate(scenarios_for(self.profile))}
        return sorted(self._cassettes, key=lambda c: (order.get(c.name, len(order)), c.name))

    def run(self, ctx: RunContext) -> Iterator[CaseResult]:
        if self._cassettes is None and not any(self.recordings.glob("*.yaml")):
            # `conformance run` on an install without recordings: nothing to replay is not an error.
            if not ctx.in_shard(["recordings"], str):
                return  # said once, by the shard whose unit it is
            recorder = CaseRecorder(f"{SUITE}/recordings", suite=SUITE)
            recorder.skip(f"no recordings for {self.profile.id} in {self.recordings}")
            yield recorder.result(ctx.options.fail_on)
            return
        cassettes = self.cassettes()
        corpus = _Corpus(cassettes, spec=_spec(self.profile.id))  # every recording: the closest answer's pool
        mine = ctx.in_shard(cassettes, lambda cassette: cassette.name)  # --shard: a recording is replayed whole
        if not mine:
            return
        target_models = _target_models(ctx)
        for done, cassette in enumerate(mine):
            ctx.units(done, len(mine))
            reason = ctx.unselected(*(f"{i.request.method} {i.request.path}" for i in cassette.interactions))
            if reason is not None:
                yield from _disabled(cassette, reason)
            else:
                yield from _CassetteReplay(self, ctx, cassette, corpus, target_models).run()
        ctx.units(len(mine), len(mine))


def _disabled(cassette: Cassette, reason: str) -> Iterator[CaseResult]:
    """A recording that calls an API ``--api`` leaves out is not replayed in part: every case is disabled."""
    for index, interaction in enumerate(cassette.interactions):
        yield disabled_case(
            f"{SUITE}/{cassette.name}/{index + 1:02d}-{interaction.step}",
            suite=SUITE,
            operation=operation_template(interaction.request.method, interaction.request.path),
            reason=reason,
            replay=ReplayDetails(scenario=cassette.name, step=interaction.step),
        )
    scenario = ReplayDetails(scenario=cassette.name)
    yield disabled_case(f"{SUITE}/{cassette.name}", suite=SUITE, operation=None, reason=reason, replay=scenario)


def _spec(profile_id: str) -> dict[str, Any]:
    try:
        return load_spec(profile_id)
    except UsageError:
        return {}  # no spec: enum-like keys fall back to the values the recording used


def _target_models(ctx: RunContext) -> dict[str, str]:
    """The target's own chat and embedding models (not part of any diff)."""
    response = ctx.client.request("GET", "/v1/models")
    try:
        models = models_from_listing(response.json())
    except ValueError:
        models = None
    return models.as_dict() if models else {}


class _CassetteReplay:
    def __init__(
        self,
        suite: ReplaySuite,
        ctx: RunContext,
        cassette: Cassette,
        corpus: _Corpus,
        target_models: dict[str, str],
    ) -> None:
        started = time.perf_counter()
        self.suite, self.ctx, self.cassette, self.corpus = suite, ctx, cassette, corpus
        initial = {model: target_models[role] for role, model in cassette.meta.models.items() if role in target_models}
        self.bindings = Bindings(initial)
        documents = [corpus.observed[(cassette.name, i)].document() for i in range(len(cassette.interactions))]
        texts = [f"{i.request.target}\n{i.request.body or ''}" for i in cassette.interactions]
        self.wanted = reused_values(documents, texts)
        self.redactor: Redactor = ctx.client.redactor
        self.prepared_s = time.perf_counter() - started

    def run(self) -> Iterator[CaseResult]:
        cases = []
        for index, interaction in enumerate(self.cassette.interactions):
            case = self._replay(index, interaction)
            cases.append(case)
            yield case
        started = time.perf_counter()
        verdict = self._verdict(cases)
        # The verdict's own time (preparing the scenario, judging it whole): its interactions carry
        # theirs, so that a suite's time in junit.xml is the sum of its cases' without counting twice.
        own = self.prepared_s + time.perf_counter() - started
        yield verdict.model_copy(update={"duration_s": round(own, 4)})

    def _request(self, interaction: Interaction) -> httpx.Request:
        recorded = interaction.request
        sensitive = self.redactor.header_names
        headers = {
            name: value
            for name, value in recorded.headers.items()
            if name.lower() not in _NOT_REPLAYED_HEADERS and name.lower() not in sensitive and REDACTED not in value
        }
        body = self.bindings.apply(recorded.body).encode() if recorded.body is not None else None
        return self.ctx.client.build(
            recorded.method, self.bindings.apply(recorded.target), content=body, headers=headers
        )

    def _send(self, interaction: Interaction) -> Exchange:
        return self.ctx.client.exchange(
            self._request(interaction),
            stream=interaction.response.is_stream,
            limits=self.suite.limits,
            step=interaction.step,
        )

    def _replay(self, index: int, interaction: Interaction) -> CaseResult:
        name = self.cassette.name
        case_id = f"{SUITE}/{name}/{index + 1:02d}-{interaction.step}"
        operation = operation_template(interaction.request.method, interaction.request.path)
        with CaseRecorder(case_id, suite=SUITE, operation=operation) as case:
            judged = ReplayDetails(scenario=name, step=interaction.step)
            case.replay = judged
            if not self.ctx.wants(case_id, operation):
                case.skip("excluded by --include/--exclude")
                return case.result(self.ctx.options.fail_on)
            if pause := self.cassette.meta.pauses.get(interaction.step):
                time.sleep(pause)
            settle = self.cassette.meta.settles.get(interaction.step)
            sent = self._send(interaction) if settle is None else send_until(partial(self._send, interaction), settle)
            request = sent.request
            response = sent.response
            assert response is not None  # the client always gets an answer or raises
            recorded = self.corpus.observed[(name, index)]
            target = observe(response.status_code, sent.content_type, sent.text)
            self.bindings.learn(recorded.document(), target.document(), self.wanted[index])
            comparison = compare(
                recorded,
                target,
                strictness=self.suite.strictness,
                enums=self.corpus.enums(interaction.request.method, interaction.request.path),
                known=self.corpus.known,
                required=self.corpus.required(
                    interaction.request.method, interaction.request.path, interaction.response.status
                ),
            )
            differences = classify(comparison)
            case.replay = judged.model_copy(update={"verdict": _verdict_word(differences)})
            if differences:
                self._report(
                    case, f"{name}/{interaction.step}", (name, index), differences, comparison, request, response
                )
        return case.result(self.ctx.options.fail_on)

    def _report(
        self,
        case: CaseRecorder,
        operation: str,
        where: tuple[str, int],
        differences: list[Difference],
        comparison: Comparison,
        request: httpx.Request,
        response: httpx.Response,
    ) -> None:
        """Findings with evidence and a readable diff; built only when something differs (the slow part)."""
        diff_text = unified_diff(comparison)
        closest = None
        if not comparison.bodies_compared and any(d.level is Level.BREAKING for d in differences):
            closest = closest_recorded(comparison.target, self.corpus.candidates(where))
        base = evidence(request, response, self.redactor, body_text=comparison.target.text)
        curl = to_curl(request, self.redactor)
        extra = ""
        closest_answer = None
        if closest is not None:
            extra = f"\n\nclosest recorded answer: {closest.label} ({tally(closest.differences)})\n"
            extra += unified_diff(closest.comparison)
            closest_answer = ClosestAnswer(
                interaction=closest.label,
                differences=tally(closest.differences),
                diff=self.redactor.text(unified_diff(closest.comparison)),
            )
        # One answer may differ at thousands of places; only what the run keeps is built (runner/caps.py):
        # the first FINDINGS_PER_CASE differences, and the first of each rule and level after them.
        seen: set[tuple[str, Level]] = set()
        for n, difference in enumerate(differences):
            key = (difference.rule, difference.level)
            if n < FINDINGS_PER_CASE or key not in seen:
                case.add(self._finding(operation, difference, base, curl, diff_text + extra, n))
            else:
                case.omitted += 1
            seen.add(key)
        assert case.replay is not None
        case.replay = case.replay.model_copy(
            update={
                "differences": tuple(
                    ReplayDifference(
                        rule=d.rule, level=d.level.value, path=d.path, message=self.redactor.text(d.message)
                    )
                    for d in differences[:FINDINGS_PER_CASE]
                ),
                "omitted_differences": max(0, len(differences) - FINDINGS_PER_CASE),
                "counts": {level.value: sum(d.level is level for d in differences) for level in Level},
                "diff": self.redactor.text(diff_text),
                "closest": closest_answer,
            }
        )

    def _finding(
        self, operation: str, difference: Difference, base: Evidence, curl: str, diff_text: str, n: int
    ) -> Finding:
        detail = f"{difference.level.value} ({difference.rule}) at {difference.path}"
        if n == 0 and diff_text:
            detail += f"\n\n{diff_text}"
        return Finding(
            check_id=difference.rule,
            severity=SEVERITY[difference.level],
            operation=operation,
            message=self.redactor.text(f"{difference.level.value}: {difference.message}"),
            reproduction=curl,
            evidence=Evidence(request=base.request, response=self.redactor.text(f"{base.response}\n\n{detail}")),
        )

    def _verdict(self, cases: list[CaseResult]) -> CaseResult:
        counts = {level.value: 0 for level in Level}
        for c in cases:  # an interaction's counts cover the differences past the cap too
            for level, n in (c.replay.counts or {}).items() if c.replay is not None else ():
                counts[level] += n
        failed = [
            c.replay.step if c.replay is not None and c.replay.step else c.id for c in cases if c.status is Status.FAIL
        ]
        errors = [c for c in cases if c.status is Status.ERROR]
        status = Status.worst([c.status for c in cases]) if cases else Status.SKIP
        if status is Status.DISABLED:
            status = Status.SKIP
        summary = f"{len(cases)} interactions: " + ", ".join(f"{v} {k}" for k, v in counts.items())
        if failed:
            summary += f"; failing steps: {', '.join(str(s) for s in failed)}"
        return CaseResult(
            id=f"{SUITE}/{self.cassette.name}",
            suite=SUITE,
            operation=None,
            status=status,
            error=errors[0].error if errors else None,
            replay=ReplayDetails(scenario=self.cassette.name, verdict=summary, counts=counts),
        )


def _verdict_word(differences: list[Difference]) -> str:
    for level in Level:
        if any(d.level is level for d in differences):
            return level.value
    return "identical"
