"""tests/conftest.py: browser tests skipped without Chromium are said and counted apart, not hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"


def test_browser_tests_skipped_without_chromium_are_named_in_the_summary(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makeini("[pytest]\nmarkers =\n    browser: renders a report in Chromium\n")
    pytester.makepyfile(
        test_pages="""
        import pytest

        @pytest.mark.browser
        @pytest.mark.skipif(True, reason="no Chromium at /usr/bin/chromium")
        def test_rendered():
            pass

        @pytest.mark.browser
        @pytest.mark.skipif(True, reason="no Chromium at /usr/bin/chromium")
        def test_scrolled():
            pass

        @pytest.mark.skip(reason="something else")
        def test_other():
            pass

        def test_plain():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=1)  # the summary line no longer counts them as plain skips
    result.stdout.fnmatch_lines(
        [
            "2 browser tests skipped: no Chromium, so report.html was not rendered. Install it*",
            "*= 1 passed, 1 skipped, 2 without Chromium (browser tests skipped) in *",
        ]
    )


def test_nothing_is_said_when_chromium_ran_them(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makeini("[pytest]\nmarkers =\n    browser: renders a report in Chromium\n")
    pytester.makepyfile(test_pages="import pytest\n\n@pytest.mark.browser\ndef test_rendered():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "Chromium" not in result.stdout.str()
