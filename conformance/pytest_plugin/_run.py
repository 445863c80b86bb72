"""Running the suites for pytest's collection, once per session, spread over pytest-xdist workers.

pytest collects items before it runs them, but a suite produces its cases while it runs (the property
suite's come from Schemathesis as it goes). So collection runs the suites, through the runner the CLI
uses, and every case it produces becomes an item that reports the case's outcome.

With pytest-xdist every worker collects, and all must collect the same items. The suites are the unit
of work: worker ``k`` of ``n`` runs every ``n``-th of the selected suites (a suite's stateful chains and
scenario steps never leave the process that runs it), writes its cases to a folder all workers share
(named by xdist's ``testrunuid``) and waits for the others; then each builds the same items from all
of the cases, in suite-table order, as a run without workers does.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conformance.core.errors import ConformanceError, HarnessError
from conformance.core.results import CaseResult, Status

if TYPE_CHECKING:
    from conformance.pytest_plugin._options import PluginOptions

__all__ = ["ABORTED_ID", "Share", "run_suites"]

ABORTED_ID = "run/aborted"
"""The case that says why a share could not run at all (the server failed the first probe, say)."""
WAIT_FOR_OTHERS_S = 6 * 3600.0
"""Guards against a worker that died without a word; a share's own requests are bounded by the limits."""
_POLL_S = 0.2


@dataclass(frozen=True)
class Share:
    """Which of the workers this process is (``index`` of ``count``) and the folder they share."""

    index: int = 0
    count: int = 1
    folder: Path | None = None

    @classmethod
    def of(cls, workerinput: dict[str, Any] | None) -> Share:
        """This process's share: the whole run without pytest-xdist (``workerinput`` is ``None``)."""
        if not workerinput:
            return cls()
        worker = str(workerinput["workerid"])  # gw0, gw1, ...
        folder = Path(tempfile.gettempdir()) / f"conformance-pytest-{workerinput['testrunuid']}"
        return cls(index=int(worker.removeprefix("gw")), count=int(workerinput["workercount"]), folder=folder)


def run_suites(options: PluginOptions, suites: list[str], share: Share) -> list[CaseResult]:
    """Every case of ``suites`` (names in table order), each once, in table order.

    Raises :class:`HarnessError` when a share could not run at all (the server failed the first probe,
    say): pytest reports that as a collection error, which no ``-k`` can deselect."""
    mine = suites[share.index :: share.count]
    try:
        produced = _run(options, mine)
    except BaseException as exc:
        if share.folder is not None:  # the other workers must not wait for this one
            message = exc.message if isinstance(exc, ConformanceError) else f"{type(exc).__name__}: {exc}"
            _write(share, {ABORTED_ID: [_aborted(f"worker gw{share.index}: {message}")]})
        raise
    if share.folder is None:
        by_suite = produced
    else:
        _write(share, produced)
        by_suite = _gather(share)
    aborted = by_suite.get(ABORTED_ID)
    if aborted:
        raise HarnessError(aborted[0].error or "the run was aborted")
    cases: dict[str, CaseResult] = {}
    for name in suites:
        for case in by_suite.get(name, []):
            cases.setdefault(case.id, case)  # a blocker noted by several workers is reported once
    return list(cases.values())


def _aborted(message: str) -> CaseResult:
    return CaseResult(id=ABORTED_ID, suite="run", status=Status.ERROR, error=message)


def _run(options: PluginOptions, names: list[str]) -> dict[str, list[CaseResult]]:
    """Probe the target and execute ``names`` one suite at a time (as every share does)."""
    if not names:
        return {}
    from dataclasses import replace

    from conformance.core.client import TargetClient
    from conformance.runner.base import RunContext, RunOptions, execute
    from conformance.runner.suites import select_suites
    from conformance.runner.target import probe_target

    run_options = RunOptions(fail_on=options.fail_on, shard=options.suite_settings.shard)
    produced: dict[str, list[CaseResult]] = {}
    with TargetClient(options.client) as client:
        try:
            target, profile = probe_target(client, profile_id=options.profile)
        except ConformanceError as exc:
            return {ABORTED_ID: [_aborted(exc.message)]}
        if profile.severity_levels.is_file():
            from conformance.runner.severity_levels import load_severity_levels, rule_ids

            levels = load_severity_levels(profile.severity_levels, rule_ids())
            run_options = replace(run_options, severity_levels=levels)
        ctx = RunContext(client=client, profile=profile, target=target, options=run_options)
        for name in names:
            chosen = select_suites((name,), profile, options.suite_settings)
            produced[name] = list(execute(chosen, ctx).cases) if chosen else []
    return produced


def _path(folder: Path, index: int, kind: str = "share") -> Path:
    return folder / f"{kind}-gw{index}.json"


def _write(share: Share, produced: dict[str, list[CaseResult]]) -> None:
    assert share.folder is not None
    share.folder.mkdir(parents=True, exist_ok=True)
    document = {name: [case.model_dump(mode="json") for case in cases] for name, cases in produced.items()}
    path = _path(share.folder, share.index)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(document), encoding="utf-8")
    os.replace(partial, path)


def _gather(share: Share) -> dict[str, list[CaseResult]]:
    """Wait for every worker's share and merge them; the last worker to read removes the folder."""
    assert share.folder is not None
    waiting_since = time.monotonic()
    paths = [_path(share.folder, index) for index in range(share.count)]
    while not all(path.is_file() for path in paths):
        if time.monotonic() - waiting_since > WAIT_FOR_OTHERS_S:
            missing = ", ".join(f"gw{i}" for i, path in enumerate(paths) if not path.is_file())
            raise HarnessError(f"no cases from worker {missing} after {WAIT_FOR_OTHERS_S:g}s ({share.folder})")
        time.sleep(_POLL_S)
    merged: dict[str, list[CaseResult]] = {}
    for path in paths:
        for name, cases in json.loads(path.read_text(encoding="utf-8")).items():
            merged.setdefault(name, []).extend(CaseResult.model_validate(case) for case in cases)
    _path(share.folder, share.index, "read").touch()
    if all(_path(share.folder, index, "read").is_file() for index in range(share.count)):
        shutil.rmtree(share.folder, ignore_errors=True)
    return merged
