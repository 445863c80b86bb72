"""Cassette files: vcrpy's format, our metadata block, exact round trips and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import vcr.serialize
from vcr.cassette import Cassette as VcrCassette
from vcr.serializers import yamlserializer

from conformance.cassettes import (
    Cassette,
    CassetteMeta,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    dump_cassette,
    load_cassette,
    load_profile_cassettes,
    parse_cassette,
    write_cassette,
)
from conformance.core.errors import ExitCode, UsageError
from conformance.core.profiles import recordings_root

SSE_BODY = 'data: {"type": "response.created"}\n\ndata: {"type": "response.completed"}\n\n'


def _cassette(profile: str = "ogx-1.5", scenario: str = "demo") -> Cassette:
    return Cassette(
        meta=CassetteMeta(
            profile=profile,
            scenario=scenario,
            title="A demo",
            server="ogx",
            server_version="1.5.0",
            recorded_at="2026-11-22",
            suite_version="0.1.0",
            models={"chat": "m"},
            pauses={"stream": 1.0},
        ),
        interactions=(
            Interaction(
                request=RecordedRequest(
                    method="POST",
                    uri="http://127.0.0.1:8321/v1/responses",
                    headers={"content-type": "application/json"},
                    body='{"a": 1}',
                ),
                response=RecordedResponse(
                    status=200, reason="OK", headers={"content-type": "application/json"}, body='{"id": "resp_1"}'
                ),
                step="create",
            ),
            Interaction(
                request=RecordedRequest(method="GET", uri="http://127.0.0.1:8321/v1/responses?limit=2&after=resp_1"),
                response=RecordedResponse(
                    status=200, reason="OK", headers={"content-type": "text/event-stream"}, body=SSE_BODY
                ),
                step="stream",
            ),
        ),
    )


def test_a_written_cassette_reads_back_identically(tmp_path: Path) -> None:
    path = write_cassette(_cassette(), tmp_path / "demo.yaml")
    loaded = load_cassette(path)
    assert loaded.interactions == _cassette().interactions
    assert loaded.meta == _cassette().meta
    assert dump_cassette(loaded) == path.read_text()


def test_vcrpy_loads_our_cassettes_and_ignores_the_metadata(tmp_path: Path) -> None:
    path = write_cassette(_cassette(), tmp_path / "demo.yaml")
    cassette = VcrCassette.load(path=str(path))
    assert len(cassette) == 2
    assert cassette.requests[1].uri == "http://127.0.0.1:8321/v1/responses?limit=2&after=resp_1"
    _requests, responses = vcr.serialize.deserialize(path.read_text(), yamlserializer)
    assert responses[1]["body"]["string"] == SSE_BODY.encode()
    assert responses[0]["status"] == {"code": 200, "message": "OK"}


def test_a_stream_is_kept_as_the_exact_text_in_a_literal_block(tmp_path: Path) -> None:
    text = dump_cassette(_cassette())
    assert "string: |" in text
    assert parse_cassette(text).interactions[1].response.body == SSE_BODY


def test_the_request_target_is_the_path_and_query() -> None:
    assert _cassette().interactions[1].request.target == "/v1/responses?limit=2&after=resp_1"


def _error(text: str, source: str = "bad.yaml") -> str:
    with pytest.raises(UsageError) as caught:
        parse_cassette(text, source=source)
    assert caught.value.exit_code is ExitCode.USAGE
    assert "\n" not in caught.value.message
    return caught.value.message


def test_a_yaml_syntax_error_names_the_file_line_and_column() -> None:
    message = _error("version: 1\ninteractions: [\n  {request: }\n : :\n")
    assert message.startswith("malformed cassette bad.yaml:4:")


def test_a_structural_error_names_the_interaction_key_and_line() -> None:
    text = dump_cassette(_cassette()).replace("code: 200", "code: two hundred", 1)
    message = _error(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "two hundred" in row)
    assert message.startswith(f"malformed cassette bad.yaml:{line}: interactions[0].response.status.code:")


def test_a_missing_metadata_block_is_an_error() -> None:
    text = "version: 1\ninteractions: []\n"
    assert _error(text) == "malformed cassette bad.yaml:1: conformance: Field required"


def test_step_names_must_match_the_interactions() -> None:
    text = dump_cassette(_cassette()).replace("  - stream\n", "", 1)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row == "  - create")  # the list
    assert _error(text) == f"malformed cassette bad.yaml:{line}: conformance.steps: 1 names for 2 interactions"


def test_a_document_without_a_version_is_an_error() -> None:
    text = dump_cassette(_cassette()).replace("version: 1\n", "", 1)
    assert _error(text) == "malformed cassette bad.yaml:1: version: Field required"


def test_a_missing_status_code_names_its_place() -> None:
    text = dump_cassette(_cassette()).replace("      code: 200\n", "", 1)
    message = _error(text)
    assert message.endswith("interactions[0].response.status.code: Field required")


def test_unnamed_steps_are_numbered_and_written_back_named() -> None:
    text = dump_cassette(_cassette()).replace("  steps:\n  - create\n  - stream\n", "", 1)
    cassette = parse_cassette(text)
    assert [i.step for i in cassette.interactions] == ["01", "02"]
    assert "  steps:\n  - '01'\n  - '02'\n" in dump_cassette(cassette)


def test_repeated_header_values_read_as_one_comma_joined_value() -> None:
    text = dump_cassette(_cassette()).replace(
        "      - application/json\n", "      - application/json\n      - text/plain\n", 1
    )
    assert parse_cassette(text).interactions[0].request.headers == {"content-type": "application/json, text/plain"}


def test_an_unquoted_date_and_a_lower_case_method_are_read_as_written_by_hand() -> None:
    text = dump_cassette(_cassette()).replace("recorded_at: '2026-11-22'", "recorded_at: 2026-11-22")
    cassette = parse_cassette(text.replace("method: GET", "method: get"))
    assert cassette.meta.recorded_at == "2026-11-22"
    assert cassette.interactions[1].request.method == "GET"


def test_a_non_mapping_document_is_an_error() -> None:
    assert "expected a mapping" in _error("- just\n- a list\n")


def test_profile_cassettes_are_filtered_by_scenario_glob(tmp_path: Path) -> None:
    for name in ("responses-create", "responses-stream", "chat-completions-create"):
        write_cassette(_cassette(scenario=name), tmp_path / "ogx-1.5" / f"{name}.yaml")
    names = [c.name for c in load_profile_cassettes(tmp_path / "ogx-1.5", "ogx-1.5", ["responses-*"])]
    assert names == ["responses-create", "responses-stream"]
    with pytest.raises(UsageError, match="--scenario 'agents-\\*' matches no cassette"):
        load_profile_cassettes(tmp_path / "ogx-1.5", "ogx-1.5", ["agents-*"])
    with pytest.raises(UsageError, match=r"no recordings for profile 'llama-stack-0\.3'"):
        load_profile_cassettes(tmp_path / "llama-stack-0.3", "llama-stack-0.3")


def test_a_cassette_of_another_profile_is_refused(tmp_path: Path) -> None:
    write_cassette(_cassette(profile="llama-stack-0.7"), tmp_path / "ogx-1.5" / "demo.yaml")
    with pytest.raises(UsageError, match=r"recorded for profile 'llama-stack-0\.7', not 'ogx-1\.5'"):
        load_profile_cassettes(tmp_path / "ogx-1.5", "ogx-1.5")


def _committed() -> list[Path]:
    return sorted(recordings_root().glob("*/*.yaml"))


def test_recordings_are_committed() -> None:
    assert len(_committed()) >= 50


@pytest.mark.parametrize("path", _committed(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_committed_cassette_dumps_back_to_the_same_bytes(path: Path) -> None:
    """The model and the serializer keep the on-disk format: re-recording changes only what changed."""
    assert dump_cassette(load_cassette(path)).encode("utf-8") == path.read_bytes()


def test_a_recordings_folder_without_cassettes_is_a_usage_error(tmp_path: Path) -> None:
    """Replaying nothing used to pass with 0 cases."""
    (tmp_path / "ogx-1.5").mkdir()
    with pytest.raises(UsageError, match=r"no recordings for profile 'ogx-1\.5' in .*record them"):
        load_profile_cassettes(tmp_path / "ogx-1.5", "ogx-1.5")
