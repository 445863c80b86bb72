"""A server that breaks what later cases need fails the run (exit 1) and blocks those cases (skip)."""

from __future__ import annotations

import httpx

from conformance.checks import jsonschema_validator
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import ExitCode
from conformance.core.results import RunResult, Status, Target
from conformance.runner.base import RunContext, RunOptions, execute
from conformance.runner.smoke import SmokeSuite
from conformance.runner.streaming import StreamingSuite
from tests.fakes import SyncASGITransport, make_app
from tests.fakes.harness import BASE_URL, PLAIN_PROFILE

ANYTHING = jsonschema_validator({})
REASON = "blocked: GET /v1/models answered without a `data` list"


def _broken_models_client() -> TargetClient:
    """The conformant fake, except that ``GET /v1/models`` answers 200 with ``{"models": []}``."""
    fake = SyncASGITransport(make_app())

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path == "/v1/models":
            return httpx.Response(200, json={"models": []})
        return fake.handle_request(request)

    return TargetClient(ClientSettings(base_url=BASE_URL), transport=httpx.MockTransport(handle))


def _run(options: RunOptions | None = None) -> RunResult:
    with _broken_models_client() as client:
        ctx = RunContext(
            client=client,
            profile=PLAIN_PROFILE,
            target=Target(base_url=BASE_URL, profile=PLAIN_PROFILE.id),
            options=options or RunOptions(),
        )
        smoke = SmokeSuite(body_validator=lambda *_: ANYTHING, event_validator=lambda *_: ANYTHING)
        return execute([smoke, StreamingSuite()], ctx)


def test_a_models_list_without_data_fails_the_run_and_blocks_the_cases_that_need_a_model() -> None:
    result = _run()
    assert result.exit_code is ExitCode.FAILURES
    cases = result.cases
    assert not [c for c in cases if c.status is Status.ERROR]
    blocker = [c for c in cases if c.id == "prerequisites/models-list-usable"]
    assert len(blocker) == 1, "reported once, although two suites needed a model"
    assert blocker[0].status is Status.FAIL
    first_needing_a_model = next(i for i, c in enumerate(cases) if c.reason == REASON)
    assert cases.index(blocker[0]) == first_needing_a_model - 1, "the finding comes before the cases it blocked"
    blocked = [c for c in cases if c.reason == REASON]
    assert {c.status for c in blocked} == {Status.SKIP}
    assert {c.suite for c in blocked} == {"smoke", "streaming"}
    assert all(c.id.startswith(("smoke/chat-completions", "smoke/responses", "streaming/")) for c in blocked)
    finding = result.unexpected_findings[0]
    assert finding.check_id == "models-list-usable"
    assert "'models'" in finding.message
    assert finding.reproduction is not None
    assert finding.reproduction == 'curl -sS -X GET "$CONFORMANCE_BASE_URL/v1/models"'


def test_the_blocking_finding_is_reported_whatever_the_include_globs_select() -> None:
    result = _run(RunOptions(include=("streaming/*",)))
    ids = [c.id for c in result.cases]
    assert ids[0] == "prerequisites/models-list-usable"
    assert all(i.startswith("streaming/") for i in ids[1:])
    assert result.exit_code is ExitCode.FAILURES


def test_the_blocking_finding_comes_first_in_the_summaries() -> None:
    from rich.console import Console

    from conformance.reports import render_terminal_summary
    from conformance.reports.markdown import render_markdown

    result = _run()
    markdown = render_markdown(result)
    findings = markdown.split("### Unexpected findings", 1)[1].splitlines()
    first_row = next(line for line in findings if line.startswith("| `"))
    assert first_row.startswith("| `models-list-usable` | MUST | `GET /v1/models` | HTTP 200 OK without a `data` list")
    console = Console(record=True, width=200)
    console.print(render_terminal_summary(result))
    terminal = console.export_text()
    assert "exit 1" in terminal
    assert terminal.split("Unexpected findings", 1)[1].splitlines()[1].strip().startswith("✗ models-list-usable")
