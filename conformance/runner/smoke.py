"""The smoke suite: the handful of calls every client makes first, each validated against the spec.

health, models, one chat completion (plain and streaming) and one response create. Each answer
must have the documented status and content type and validate (jsonschema) against the response
schema that the profile's spec takes from the protocol definitions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from conformance.core.exchange import evidence, to_curl
from conformance.core.results import CaseResult, Finding, Severity
from conformance.core.sse import SSEStream, read_sse
from conformance.runner.base import CaseRecorder, RunContext
from conformance.spec import response_validator

__all__ = ["SmokeSuite"]

SUITE = "smoke"


@dataclass(frozen=True, slots=True)
class _Call:
    case_id: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    stream: bool = False


def _chat_body(model: str, *, stream: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": model,
        "messages": [{"role": "user", "content": "Say hello to the conformance suite."}],
    }
    if stream:
        body |= {"stream": True, "stream_options": {"include_usage": True}}
    return body


class SmokeSuite:
    """Implements :class:`conformance.runner.base.Suite`."""

    name = SUITE

    def run(self, ctx: RunContext) -> Iterator[CaseResult]:
        spec_ops = _SpecOps(ctx)
        model = None
        for call in self._calls_before_model():
            result, payload = self._run_call(ctx, spec_ops, call)
            if call.case_id == "smoke/models/list":
                model = _first_llm(payload)
            yield result
        for call in self._calls_with_model(model):
            if model is None:
                recorder = CaseRecorder(call.case_id, suite=SUITE, operation=f"{call.method} {call.path}")
                recorder.skip("no llm model is listed by GET /v1/models")
                yield recorder.result(ctx.options.fail_on)
                continue
            yield self._run_call(ctx, spec_ops, call)[0]

    @staticmethod
    def _calls_before_model() -> list[_Call]:
        return [
            _Call("smoke/health/get", "GET", "/v1/health"),
            _Call("smoke/version/get", "GET", "/v1/version"),
            _Call("smoke/models/list", "GET", "/v1/models"),
        ]

    @staticmethod
    def _calls_with_model(model: str | None) -> list[_Call]:
        model = model or ""
        return [
            _Call("smoke/chat-completions/create", "POST", "/v1/chat/completions", _chat_body(model, stream=False)),
            _Call(
                "smoke/chat-completions/stream", "POST", "/v1/chat/completions", _chat_body(model, stream=True), True
            ),
            _Call("smoke/responses/create", "POST", "/v1/responses", {"model": model, "input": "Say hello."}),
        ]

    def _run_call(self, ctx: RunContext, spec_ops: _SpecOps, call: _Call) -> tuple[CaseResult, Any]:
        operation = f"{call.method} {call.path}"
        payload: Any = None
        with CaseRecorder(call.case_id, suite=SUITE, operation=operation) as case:
            if not ctx.wants(call.case_id, operation):
                case.skip("excluded by --include/--exclude")
            else:
                request = ctx.client.build(call.method, call.path, json=call.body)
                if call.stream:
                    with ctx.client.stream(request) as response:
                        stream = read_sse(response)
                    payload = stream
                    findings = spec_ops.judge_stream(request, response, stream, operation)
                else:
                    response = ctx.client.send(request)
                    payload = _json_or_none(response)
                    findings = spec_ops.judge(request, response, payload, operation)
                for finding in findings:
                    case.add(finding)
        return case.result(ctx.options.fail_on), payload


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _first_llm(payload: Any) -> str | None:
    models = payload.get("data") if isinstance(payload, dict) else None
    for model in models or []:
        if not isinstance(model, dict):
            continue
        kind = model.get("model_type") or (model.get("custom_metadata") or {}).get("model_type") or "llm"
        if kind == "llm" and isinstance(model.get("id") or model.get("identifier"), str):
            return str(model.get("id") or model.get("identifier"))
    return None


class _SpecOps:
    """Judges one exchange against the profile's spec."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.redactor = ctx.client.redactor

    def _finding(
        self,
        check_id: str,
        operation: str,
        message: str,
        request: httpx.Request,
        response: httpx.Response,
        body_text: str | None = None,
    ) -> Finding:
        return Finding(
            check_id=check_id,
            severity=Severity.MUST,
            operation=operation,
            message=message,
            reproduction=to_curl(request, self.redactor),
            evidence=evidence(request, response, self.redactor, body_text=body_text),
        )

    def judge(self, request: httpx.Request, response: httpx.Response, payload: Any, operation: str) -> list[Finding]:
        method, path = operation.split(" ", 1)
        if response.status_code != 200:
            return [
                self._finding(
                    "smoke-status-ok", operation, f"expected 200, got {response.status_code}", request, response
                )
            ]
        content_type = response.headers.get("content-type", "")
        if "json" not in content_type:
            return [
                self._finding(
                    "smoke-content-type",
                    operation,
                    f"expected application/json, got {content_type or 'no content type'}",
                    request,
                    response,
                )
            ]
        validator = response_validator(self.ctx.profile.id, method, path, 200, "application/json")
        if validator is None:
            return []
        errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.absolute_path))
        if not errors:
            return []
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        return [
            self._finding(
                "smoke-response-schema",
                operation,
                f"response does not match the spec at {where}: {first.message[:200]}{more}",
                request,
                response,
            )
        ]

    def judge_stream(
        self, request: httpx.Request, response: httpx.Response, stream: SSEStream, operation: str
    ) -> list[Finding]:
        method, path = operation.split(" ", 1)
        if response.status_code != 200:
            return [
                self._finding(
                    "smoke-status-ok",
                    operation,
                    f"expected 200, got {response.status_code}",
                    request,
                    response,
                    stream.raw,
                )
            ]
        findings = []
        if "text/event-stream" not in stream.content_type:
            findings.append(
                self._finding(
                    "smoke-content-type",
                    operation,
                    f"expected text/event-stream, got {stream.content_type or 'none'}",
                    request,
                    response,
                    stream.raw,
                )
            )
        if not stream.events or not stream.events[-1].is_done:
            findings.append(
                self._finding(
                    "smoke-stream-done",
                    operation,
                    "the stream does not end with data: [DONE]",
                    request,
                    response,
                    stream.raw,
                )
            )
        validator = response_validator(self.ctx.profile.id, method, path, 200, "text/event-stream")
        if validator is not None:
            for index, event in enumerate(stream.json_events()):
                error = next(iter(validator.iter_errors(event)), None)
                if error is not None:
                    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
                    findings.append(
                        self._finding(
                            "smoke-stream-event-schema",
                            operation,
                            f"event {index} does not match the spec at {where}: {error.message[:200]}",
                            request,
                            response,
                            stream.raw,
                        )
                    )
                    break
        return findings
