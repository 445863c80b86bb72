"""conformance/checks/compare.py: what counts as the same object streamed and stored."""

from __future__ import annotations

from conformance.checks.compare import differences


def test_null_and_absent_are_the_same() -> None:
    assert differences({"a": 1, "b": None}, {"a": 1}) == []
    assert differences({"x": {"y": None}}, {"x": {}}) == []


def test_ignored_top_level_fields() -> None:
    assert differences({"a": 1}, {"a": 1, "input": "hi"}, ignore={"input"}) == []
    assert differences({"a": 1}, {"a": 1, "input": "hi"}) == ["input: None vs 'hi'"]


def test_paths_name_the_difference() -> None:
    a = {"output": [{"content": [{"text": "hello"}]}], "n": 1}
    b = {"output": [{"content": [{"text": "bye"}]}], "n": 1.0}
    assert differences(a, b) == ["output[0].content[0].text: 'hello' vs 'bye'"]


def test_lists_of_different_length_and_booleans_vs_numbers() -> None:
    assert differences([1, 2], [1]) == ["(root): 2 items vs 1"]
    assert differences({"f": True}, {"f": 1}) == ["f: True vs 1"]


def test_a_read_back_that_failed_quotes_the_server() -> None:
    from conformance.checks.compare import mismatch_with_stored
    from tests.fakes.contexts import exchange

    retrieved = exchange(404, {"detail": "Response 'resp_1' not found"})
    (violation,) = mismatch_with_stored({"id": "resp_1"}, retrieved, "response", "resp_1")
    assert (
        violation.message
        == "GET of the streamed response 'resp_1' answered HTTP 404 Not Found: Response 'resp_1' not found"
    )
