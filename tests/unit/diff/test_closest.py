"""The closest recorded answer to an unexpected one."""

from __future__ import annotations

import json

from conformance.diff import closest_recorded, observe


def _json(body: object, status: int = 200) -> object:
    return observe(status, "application/json", json.dumps(body))


def test_the_closest_candidate_has_the_same_status_and_the_smallest_diff() -> None:
    target = observe(404, "application/json", json.dumps({"detail": "File file-1 not found"}))
    candidates = [
        ("responses/create", observe(200, "application/json", json.dumps({"id": "x", "object": "response"}))),
        ("models/get-unknown", observe(404, "application/json", json.dumps({"error": {"message": "no"}}))),
        ("files/retrieve-deleted", observe(404, "application/json", json.dumps({"detail": "gone"}))),
    ]
    closest = closest_recorded(target, candidates)
    assert closest is not None
    assert closest.label == "files/retrieve-deleted"
    assert closest.differences == ()


def test_no_candidate_with_the_same_status_means_no_closest() -> None:
    target = observe(418, "application/json", "{}")
    assert closest_recorded(target, [("a", observe(200, "application/json", "{}"))]) is None
