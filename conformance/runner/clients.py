"""The clients suite: flows written against the official SDKs, run with the real SDK against the target.

A schema-valid answer can still break the SDK people use (OGX 1.5.0's tool-call chunks carry
``"type": null`` after the first, and ``openai``'s ``chat.completions.stream`` helper asserts on it).
For each SDK requirement of the profile (:attr:`Profile.clients`) the suite installs the SDK into its
cached environment, runs every selected flow of it (:mod:`conformance.clients.sdks`) in one process
and makes one case per flow, ``clients/<sdk>/<flow>``:

* ``pass``: the flow did what an application does and got what it relies on; an error flow
  (``errors.<situation>``) made the SDK raise the class its situation calls for;
* ``fail``: the SDK raised (an exception, a parse or validation failure, an ``assert`` in the SDK) —
  a MUST finding ``sdk-<sdk>-<flow>`` carrying the SDK's own message and where it was raised; a warning
  the SDK emitted is a SHOULD finding ``sdk-<sdk>-<flow>-warning``; an error flow whose SDK raised
  another class (or nothing) is a finding ``sdk-<sdk>-errors-<situation>`` at the situation's severity,
  and every error flow carries an :class:`SdkErrorObservation` for the report's SDK error table;
* ``skip``: the flow could not run here (no embedding model listed, a setup step another case judges
  failed, the SDK's toolchain is not installed);
* ``disabled``: ``--api`` left its API out, or the profile's spec has none of its operations;
* ``error``: the harness broke — the SDK environment could not be built (registry, uv), the flow
  script died, or the proxy cut the flow's request at a limit (``--timeout``, a hung server) so the
  SDK's exception is ours, not its verdict on an answer. Never a ``fail``.

The SDK talks to a recording :class:`~conformance.core.guard_proxy.GuardProxy` in front of the target
(the run's limits hold for it too), so a finding carries the redacted exchange the flow failed on and
a curl reproduction, as every other finding does. The cases name no ``check_id``: in the report's
matrix an operation's flows share the one ``clients`` column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from conformance.clients.sdks import SDKS, Flow, FlowOutcome, Sdk, SdkRun, run_flows, sdk_for
from conformance.core.errors import HarnessError
from conformance.core.exchange import format_request, format_response
from conformance.core.guard_proxy import GuardProxy, RecordedExchange
from conformance.core.reproduce import curl_command
from conformance.core.results import CaseResult, Evidence, Finding, SdkErrorObservation, Severity, Status
from conformance.core.server_message import describe_status, one_line
from conformance.runner.base import RunContext, case_status, disabled_case
from conformance.runner.model_choice import pick_model
from conformance.scenarios import models_from_listing
from conformance.servers.environments import ensure_environment

__all__ = ["SUITE", "ClientsSuite", "client_rule_ids", "rule_id"]

SUITE = "clients"
_SDK_HEADERS = ("x-stainless-", "x-ogx-client-")
"""Headers the SDK adds about itself; left out of curl reproductions (they change nothing)."""
_REQUESTS_PER_FLOW = 4
"""A flow sends at most this many requests; the script gets as many request deadlines each, plus start-up."""
_STARTUP_S = 60.0


def rule_id(sdk: Sdk, flow: Flow) -> str:
    """``sdk-openai-chat-stream-helper-tools``: the finding of one flow of one SDK."""
    return f"sdk-{sdk.id}-{flow.slug}"


def client_rule_ids() -> list[str]:
    """Every rule a clients finding can name: one per flow of each SDK, and its ``-warning``."""
    return [
        rule
        for sdk in SDKS.values()
        for flow in sdk.flows
        for rule in (rule_id(sdk, flow), f"{rule_id(sdk, flow)}-warning")
    ]


def case_id_of(sdk: Sdk, flow: Flow) -> str:
    return f"{SUITE}/{sdk.id}/{flow.name}"


@dataclass(frozen=True)
class ClientsSuite:
    """Implements :class:`conformance.runner.base.Suite` for the SDK requirements ``clients``."""

    clients: tuple[str, ...]
    name: str = SUITE

    def run(self, ctx: RunContext) -> Iterator[CaseResult]:
        # --shard: by SDK flow (each flow sets up and cleans up after itself); a shard installs and starts
        # an SDK only for the flows of it that it judges.
        mine = frozenset(ctx.in_shard(self._units(), str))
        for done, requirement in enumerate(self.clients):
            ctx.units(done, len(self.clients))
            sdk = sdk_for(requirement)
            if sdk is None:
                if f"{SUITE}/{requirement}" not in mine:
                    continue
                yield CaseResult(
                    id=f"{SUITE}/{requirement}",
                    suite=SUITE,
                    status=Status.SKIP,
                    reason=f"no flows are written for {requirement} (SDKs with flows: {', '.join(SDKS)})",
                )
                continue
            yield from self._run_sdk(ctx, sdk, requirement, mine)
        ctx.units(len(self.clients), len(self.clients))

    def _units(self) -> list[str]:
        """The case id of every flow of every SDK requirement (one per requirement without flows)."""
        units: list[str] = []
        for requirement in self.clients:
            sdk = sdk_for(requirement)
            units += [case_id_of(sdk, flow) for flow in sdk.flows] if sdk is not None else [f"{SUITE}/{requirement}"]
        return units

    def _run_sdk(self, ctx: RunContext, sdk: Sdk, requirement: str, mine: frozenset[str]) -> Iterator[CaseResult]:
        chosen: list[Flow] = []
        for flow in sdk.flows:
            case_id = case_id_of(sdk, flow)
            if case_id not in mine or not ctx.wants(case_id, flow.operation):
                continue
            reason = ctx.unselected(*flow.operations) or ctx.not_in_spec(*flow.operations)
            if reason is not None:
                yield disabled_case(case_id, suite=SUITE, operation=flow.operation, reason=reason)
                continue
            chosen.append(flow)
        if not chosen:
            return
        missing = sdk.toolchain_missing()
        if missing is not None:
            for flow in chosen:
                yield self._case(sdk, flow, Status.SKIP, reason=f"{requirement}: {missing}")
            return
        try:
            env = ensure_environment(sdk.env_spec(requirement), ctx.working_on)  # the live display shows an install
        except HarnessError as exc:
            for flow in chosen:
                yield self._case(sdk, flow, Status.ERROR, error=f"installing {requirement} failed: {exc.message}")
            return
        ctx.working_on(f"{requirement}: {len(chosen)} flows")  # the install's status ends with the install
        chat = pick_model(ctx.client)
        try:
            models = models_from_listing(ctx.client.request("GET", "/v1/models").json())
        except ValueError:
            models = None
        limits = ctx.client.limits
        with GuardProxy(ctx.client.settings.base_url, limits, ctx.client.breaker, record=True) as guard:
            settings = {
                "base_url": guard.url + httpx.URL(ctx.client.settings.base_url).path.rstrip("/") + "/v1",
                "api_key": ctx.client.settings.api_key,
                "headers": dict(ctx.client.settings.headers),
                "timeout_s": limits.timeout_s,
                "chat_model": chat,
                "embedding_model": models.embedding if models else None,
                "flows": [flow.name for flow in chosen],
            }
            timeout = _STARTUP_S + len(chosen) * _REQUESTS_PER_FLOW * limits.timeout_s
            left = ctx.time_left()  # --max-run-time: the script is stopped when the run's time is up
            timeout = min(timeout, left) if left else timeout
            try:
                ran = run_flows(sdk, env, settings, timeout_s=timeout)
            except HarnessError as exc:
                ran = SdkRun(version=None, outcomes={}, crashed=exc.message)
        for flow in chosen:
            yield self._judge(ctx, sdk, requirement, flow, ran, guard.exchanges)

    def _judge(
        self,
        ctx: RunContext,
        sdk: Sdk,
        requirement: str,
        flow: Flow,
        ran: SdkRun,
        exchanges: list[RecordedExchange],
    ) -> CaseResult:
        outcome = ran.outcomes.get(flow.name)
        if outcome is None:
            return self._case(sdk, flow, Status.ERROR, error=ctx.client.redactor.text(ran.crashed or "no outcome"))
        if outcome.outcome == "skip":
            return self._case(sdk, flow, Status.SKIP, reason=outcome.message, duration_s=outcome.duration_s)
        mine = [x for x in exchanges if x.tag == flow.name]
        last = mine[-1] if mine else None
        version = f"{sdk.dist} {ran.version}" if ran.version else requirement
        if sdk.language == "node" and ran.version:
            version += " (Node)"  # openai and llama-stack-client are Python and Node packages alike
        if outcome.outcome == "fail":
            cut = next((x.cut for x in reversed(mine) if x.cut), None)
            if cut is not None or (not mine and (outcome.error_type or "").endswith(sdk.errors.unreached)):
                # The harness cut the request (a limit, a hung server) or it never left: not the SDK's verdict.
                why = f"; the harness cut its request: {cut}" if cut else "; no request reached the proxy"
                error = ctx.client.redactor.text(_said(version, flow, outcome) + why)
                return self._case(sdk, flow, Status.ERROR, error=error, duration_s=outcome.duration_s)
        situation = flow.situation
        if situation is not None:
            return self._judge_error_flow(ctx, sdk, flow, version, outcome, mine)
        findings = []
        if outcome.outcome == "fail":
            findings.append(
                self._finding(ctx, rule_id(sdk, flow), Severity.MUST, flow, _said(version, flow, outcome), last)
            )
        if outcome.warnings:
            said = f"{version} {flow.name} warned: {'; '.join(outcome.warnings)}"
            findings.append(self._finding(ctx, f"{rule_id(sdk, flow)}-warning", Severity.SHOULD, flow, said, last))
        return CaseResult(
            id=case_id_of(sdk, flow),
            suite=SUITE,
            operation=flow.operation,
            status=case_status(findings, ctx.options.fail_on),
            duration_s=outcome.duration_s,
            findings=tuple(findings),
        )

    def _judge_error_flow(
        self,
        ctx: RunContext,
        sdk: Sdk,
        flow: Flow,
        version: str,
        outcome: FlowOutcome,
        mine: list[RecordedExchange],
    ) -> CaseResult:
        situation = flow.situation
        assert situation is not None
        cut = next((x.cut for x in reversed(mine) if x.cut), None)
        if cut is not None or (not mine and (outcome.raised or "").endswith(sdk.errors.unreached)):
            why = f"the harness cut its request: {cut}" if cut else "no request reached the proxy"
            error = ctx.client.redactor.text(f"{version} {flow.name} raised {outcome.raised}; {why}")
            return self._case(sdk, flow, Status.ERROR, error=error, duration_s=outcome.duration_s)
        expected_classes = sdk.classes_for(situation)
        observed = SdkErrorObservation(
            sdk=version,
            situation=situation.id,
            provokes=situation.provokes,
            statuses=situation.statuses,
            expected=expected_classes,
            raised=outcome.raised,
            status=outcome.status,
        )
        findings = []
        if outcome.raised not in expected_classes:
            expected = " or ".join(
                f"{cls} (HTTP {status})" for cls, status in zip(expected_classes, situation.statuses, strict=True)
            )
            last = mine[-1] if mine else None
            answered = (
                describe_status(last.status, last.response_text(), last.reason)
                if last is not None and last.status is not None
                else None
            )
            if outcome.raised is None:
                got = f"{version} raised nothing" + (f" (the server answered {answered})" if answered else "")
            else:
                said = answered or (f"HTTP {outcome.status}" if outcome.status is not None else "no HTTP status")
                if answered is None and outcome.message:
                    said += f": {one_line(outcome.message)}"
                got = f"{version} raised {outcome.raised} ({said})"
            message = f"{situation.provokes}: {got}; {situation.why}, for which the SDK raises {expected}"
            findings.append(self._finding(ctx, rule_id(sdk, flow), situation.severity, flow, message, last))
        return CaseResult(
            id=case_id_of(sdk, flow),
            suite=SUITE,
            operation=flow.operation,
            status=case_status(findings, ctx.options.fail_on),
            duration_s=outcome.duration_s,
            findings=tuple(findings),
            sdk_error=observed,
        )

    @staticmethod
    def _case(
        sdk: Sdk,
        flow: Flow,
        status: Status,
        *,
        reason: str | None = None,
        error: str | None = None,
        duration_s: float = 0.0,
    ) -> CaseResult:
        return CaseResult(
            id=case_id_of(sdk, flow),
            suite=SUITE,
            operation=flow.operation,
            status=status,
            reason=reason,
            error=error,
            duration_s=duration_s,
        )

    @staticmethod
    def _finding(
        ctx: RunContext, check_id: str, severity: Severity, flow: Flow, message: str, last: RecordedExchange | None
    ) -> Finding:
        redactor = ctx.client.redactor
        evidence = reproduction = None
        if last is not None:
            headers = _shown_headers(ctx, last.request_headers)
            request = format_request(last.method, last.url, headers, last.request_body, redactor)
            if last.status is None:
                response = f"(no answer: {last.cut})" if last.cut else "(no answer)"
            else:
                response = format_response(
                    last.status, last.reason, last.response_headers, last.response_text(), redactor
                )
                if last.cut:
                    response += f"\n\n(cut by the harness: {last.cut})"
            evidence = Evidence(request=request, response=response)
            curl_headers = [(n, v) for n, v in headers if not n.lower().startswith(_SDK_HEADERS)]
            reproduction = curl_command(last.method, last.url, curl_headers, last.request_body, redactor)
        return Finding(
            check_id=check_id,
            severity=severity,
            operation=flow.operation or flow.name,
            message=redactor.text(message),
            reproduction=reproduction,
            evidence=evidence,
        )


def _said(version: str, flow: Flow, outcome: FlowOutcome) -> str:
    """``openai 3.57.0 chat.stream-helper-tools raised AssertionError at openai/...:405: assert ...``."""
    said = f"{version} {flow.name} raised {outcome.error_type}"
    if outcome.message:
        said += f": {outcome.message}"
    if outcome.where:
        said += f" (at {outcome.where})"
    return said


def _shown_headers(ctx: RunContext, headers: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """The request's headers but ``Host`` (the proxy's; the URL names the target); without an
    ``--api-key`` the SDK's placeholder ``Authorization`` is left out too (the server was given none)."""
    dropped = {"host"} if ctx.client.settings.api_key else {"host", "authorization"}
    return [(n, v) for n, v in headers if n.lower() not in dropped]
