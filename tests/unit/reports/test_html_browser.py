"""report.html as a person sees it: rendered by headless Chromium, JavaScript included."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conformance.reports import write_reports
from tests.fakes.results import sample_result

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium (apt-get install chromium)"),
]


def _chromium(tmp_path: Path, *args: str) -> str:
    profile = tmp_path / "chromium-profile"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1400,1600",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_reports(sample_result(), tmp_path_factory.mktemp("report"))["html"]


def test_the_rendered_page_shows_the_matrix_and_the_findings(report: Path, tmp_path: Path) -> None:
    dom = _chromium(tmp_path, "--dump-dom", report.as_uri())
    assert "<h1>Conformance report: ogx 1.5.0</h1>" in dom
    assert 'title="unexpected-check on GET /v1/models/{model_id}: failed"' in dom
    assert "<h2>Operations by check</h2>" in dom
    assert "expected x, got y" in dom
    assert "broken &lt;script&gt;alert('x')&lt;/script&gt;" in dom
    assert "<script>alert('x')</script>" not in dom  # escaped text, never a live element
    assert "curl -sS -X GET" in dom


def test_a_filter_in_the_address_hides_those_statuses(report: Path, tmp_path: Path) -> None:
    dom = _chromium(tmp_path, "--dump-dom", f"{report.as_uri()}#hide=pass,disabled")
    assert 'class="cell l-pass dim"' in dom
    assert 'class="cell l-fail"' in dom
    assert 'data-filter="pass" aria-pressed="false"' in dom
    assert 'data-filter="fail" aria-pressed="true"' in dom
    hidden_rows = dom.count('<tr class="hidden">')
    assert hidden_rows == 1  # POST /v1alpha/agents has only a disabled cell


def test_a_screenshot_renders(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    _chromium(tmp_path, f"--screenshot={shot}", report.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000
