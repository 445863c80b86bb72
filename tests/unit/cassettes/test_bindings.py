"""ID binding: recorded ids reused later are replaced by the target's, through paths, queries and bodies."""

from __future__ import annotations

from conformance.cassettes import Bindings, reused_values
from conformance.cassettes.bindings import id_like_values

RECORDED = [
    {"id": "resp_aaaa1111", "object": "response", "status": "completed", "output": [{"call_id": "call_bbbb2222"}]},
    {"id": "resp_cccc3333", "object": "response"},
    {"data": [{"id": "resp_cccc3333"}]},
]
REQUESTS = [
    'POST /v1/responses\n{"input": "hi"}',
    'POST /v1/responses\n{"previous_response_id": "resp_aaaa1111", "call_id": "call_bbbb2222"}',
    "GET /v1/responses?after=resp_cccc3333\n",
    "GET /v1/responses/resp_cccc3333\n",
]


def test_values_are_wanted_only_when_a_later_request_reuses_them() -> None:
    wanted = reused_values(RECORDED, REQUESTS)
    assert wanted[0] == {"resp_aaaa1111", "call_bbbb2222"}
    assert wanted[1] == {"resp_cccc3333"}
    assert wanted[2] == {"resp_cccc3333"}  # the list answer's id appears in request 4's path


def test_ids_are_found_by_key_or_by_shape_and_short_or_spaced_values_are_ignored() -> None:
    doc = {
        "id": "resp_aaaa1111",
        "agent_id": "plainname",
        "note": "a b c d e f g h",
        "x": "file-0123456789ab",
        "y": "s",
    }
    assert dict(id_like_values(doc)) == {
        ("id",): "resp_aaaa1111",
        ("agent_id",): "plainname",
        ("x",): "file-0123456789ab",
    }


def test_learned_bindings_rewrite_paths_queries_and_bodies() -> None:
    wanted = reused_values(RECORDED, REQUESTS)
    bindings = Bindings()
    bindings.learn(RECORDED[0], {"id": "resp_T1", "output": [{"call_id": "call_T2"}]}, wanted[0])
    bindings.learn(RECORDED[1], {"id": "resp_T3"}, wanted[1])
    assert (
        bindings.apply(REQUESTS[1]) == 'POST /v1/responses\n{"previous_response_id": "resp_T1", "call_id": "call_T2"}'
    )
    assert bindings.apply(REQUESTS[2]) == "GET /v1/responses?after=resp_T3\n"
    assert bindings.apply(REQUESTS[3]) == "GET /v1/responses/resp_T3\n"


def test_the_first_binding_of_a_value_wins_and_identical_values_are_not_bound() -> None:
    bindings = Bindings()
    bindings.learn({"id": "resp_aaaa1111"}, {"id": "resp_aaaa1111"}, frozenset({"resp_aaaa1111"}))
    assert bindings.mapping == {}
    bindings.learn({"id": "resp_aaaa1111"}, {"id": "resp_T1"}, frozenset({"resp_aaaa1111"}))
    bindings.learn({"id": "resp_aaaa1111"}, {"id": "resp_T9"}, frozenset({"resp_aaaa1111"}))
    assert bindings.mapping == {"resp_aaaa1111": "resp_T1"}


def test_replacement_happens_in_one_pass_and_longest_first() -> None:
    bindings = Bindings({"resp_aaaa1111": "resp_bbbb2222", "resp_bbbb2222": "resp_cccc3333", "resp_aaaa11112": "X"})
    assert bindings.apply("resp_aaaa1111 resp_bbbb2222 resp_aaaa11112") == "resp_bbbb2222 resp_cccc3333 X"


def test_a_target_without_the_value_at_that_path_leaves_it_unbound() -> None:
    bindings = Bindings()
    wanted = frozenset({"resp_aaaa1111"})
    bindings.learn({"id": "resp_aaaa1111"}, {"error": "nope"}, wanted)
    assert bindings.unbound(wanted) == wanted


def test_stream_documents_bind_by_event_type_not_by_position() -> None:
    recorded = {"response.created": [{"response": {"id": "resp_aaaa1111"}}]}
    target = {"response.created": [{"response": {"id": "resp_T1"}}], "extra": [{}]}
    bindings = Bindings()
    bindings.learn(recorded, target, frozenset({"resp_aaaa1111"}))
    assert bindings.mapping == {"resp_aaaa1111": "resp_T1"}
