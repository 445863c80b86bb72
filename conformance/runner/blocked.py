"""When the server breaks the contract so badly that later cases cannot run.

``GET /v1/models`` answering 200 without a ``data`` list leaves no model to stream from or chat
with. That is the server's failure, not the harness's: the run fails (exit 1) with the finding
that says what broke, reported once as its own case (``prerequisites/<check>``, ahead of the
cases it stopped), and every case it stopped is ``skip`` with the reason ``blocked: ...``.
Exit 3 stays for a harness, network or configuration that broke.
"""

from __future__ import annotations

from conformance.core.errors import ConformanceError, ExitCode
from conformance.core.results import CaseResult, Finding, Status

__all__ = ["PREREQUISITES", "BlockedError"]

PREREQUISITES = "prerequisites"
"""The suite name of the cases that report what blocked others; reports list their findings first."""


class BlockedError(ConformanceError):
    """Raised where a case needs something the server failed to provide; caught by the runner."""

    exit_code = ExitCode.FAILURES

    def __init__(self, message: str, *, finding: Finding) -> None:
        super().__init__(message)
        self.finding = finding

    @property
    def reason(self) -> str:
        """The skip reason of every case this blocked: ``blocked: GET /v1/models answered ...``."""
        return f"blocked: {self.message}"

    @property
    def case_id(self) -> str:
        return f"{PREREQUISITES}/{self.finding.check_id}"

    def case(self) -> CaseResult:
        """The failing case that reports the finding (a ``MUST``: it fails at every ``--fail-on``)."""
        return CaseResult(
            id=self.case_id,
            suite=PREREQUISITES,
            operation=self.finding.operation,
            status=Status.FAIL,
            findings=(self.finding,),
            check_id=self.finding.check_id,
        )
