"""conformance/reports/junit.py: junit.xml as CI parsers read it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from conformance.reports import render_junit
from tests.fakes.results import sample_result


def _parse() -> ET.Element:
    return ET.fromstring(render_junit(sample_result()).encode("utf-8"))


def _case(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f".//testcase[@name='{name}']")
    assert found is not None, name
    return found


def test_one_testsuite_per_suite_and_one_testcase_per_case() -> None:
    root = _parse()
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"checks", "replay"}
    assert [c.get("classname") for c in suites["replay"].findall("testcase")] == ["replay", "replay"]
    assert len(root.findall(".//testcase")) == 8
    checks = suites["checks"]
    assert (checks.get("tests"), checks.get("failures"), checks.get("errors"), checks.get("skipped")) == (
        "6",
        "1",
        "0",
        "3",
    )
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("8", "1", "1", "3")
    properties = {p.get("name"): p.get("value") for p in checks.iter("property")}
    assert properties["profile"] == "ogx-1.5"
    assert properties["version"] == "1.5.0"


def test_statuses_map_to_failure_error_and_skipped() -> None:
    root = _parse()
    failure = _case(root, "checks/models/unexpected").find("failure")
    assert failure is not None
    assert failure.get("type") == "unexpected-check"
    assert "curl -sS -X GET" in (failure.text or "")
    known = _case(root, "checks/models/known").find("skipped")
    assert known is not None
    assert (known.get("message") or "").startswith("known failure (baselined)")
    skipped = _case(root, "checks/responses/skipped").find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "skip: no schema given"
    assert _case(root, "checks/agents/off").find("skipped") is not None
    warn = _case(root, "checks/models/warn")
    assert warn.find("failure") is None
    assert "minor-check" in (warn.findtext("system-out") or "")
    assert list(_case(root, "checks/responses/ok")) == []


def test_control_characters_from_a_server_never_break_the_xml() -> None:
    root = _parse()
    error = root.find(".//testcase/error")
    assert error is not None
    assert error.get("type") == "harness"
    assert "\x00" not in (error.text or "")
    assert "<script>" in (error.text or "")  # text, escaped by the serializer, read back intact


def test_times_are_the_cases_own_and_a_suite_s_is_their_sum() -> None:
    result = sample_result()
    timed = [case.model_copy(update={"duration_s": 0.25 * (n + 1)}) for n, case in enumerate(result.cases)]
    root = ET.fromstring(render_junit(result.model_copy(update={"cases": tuple(timed)})).encode("utf-8"))
    assert [c.get("time") for c in root.iter("testcase")] == [f"{case.duration_s:.3f}" for case in timed]
    suites = {s.get("name"): s.get("time") for s in root.findall("testsuite")}
    assert suites == {"checks": "5.250", "replay": "3.750"}
    assert root.get("time") == "9.000"
