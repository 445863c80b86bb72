from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from conformance.core import profiles
from conformance.core.client import ClientSettings, TargetClient
from conformance.core.errors import HarnessError, UsageError
from conformance.runner.target import detect_profile, probe_target
from conformance.spec.profile_folder import load_profile_folder
from tests.fakes.gateway import EXAMPLE


@pytest.mark.parametrize(
    ("version", "profile"), [("0.3.0", "llama-stack-0.3"), ("0.7.3", "llama-stack-0.7"), ("1.5.0", "ogx-1.5")]
)
def test_profile_is_detected_from_the_reported_version(version: str, profile: str) -> None:
    assert detect_profile(version).id == profile


@pytest.mark.parametrize("version", ["2.0.0", None])
def test_an_unknown_version_asks_for_profile(version: str | None) -> None:
    with pytest.raises(UsageError, match="pass --profile"):
        detect_profile(version)


def _client(routes: dict[str, httpx.Response]) -> TargetClient:
    return TargetClient(
        ClientSettings(base_url="http://127.0.0.1:9"),
        transport=httpx.MockTransport(lambda r: routes.get(r.url.path, httpx.Response(404))),
    )


def test_probe_reports_version_and_server_family() -> None:
    client = _client(
        {
            "/v1/health": httpx.Response(200, json={"status": "OK"}),
            "/v1/version": httpx.Response(200, json={"version": "1.5.0"}),
        }
    )
    target, profile = probe_target(client, profile_id=None)
    assert (profile.id, target.server, target.version) == ("ogx-1.5", "ogx", "1.5.0")


def test_an_html_answer_is_not_a_llama_stack_server() -> None:
    client = _client({"/v1/health": httpx.Response(500, html="<h1>nginx</h1>")})
    with pytest.raises(HarnessError, match="does not look like a Llama Stack / OGX server"):
        probe_target(client, profile_id="ogx-1.5")


def test_server_family_is_named_even_when_the_profile_is_given() -> None:
    client = _client(
        {
            "/v1/health": httpx.Response(200, json={"status": "OK"}),
            "/v1/version": httpx.Response(200, json={"version": "0.3.0"}),
        }
    )
    target, profile = probe_target(client, profile_id="llama-stack-0.3")
    assert (profile.id, target.label) == ("llama-stack-0.3", "Llama Stack 0.3.0 at http://127.0.0.1:9")


def test_an_unknown_version_is_not_given_a_family() -> None:
    client = _client(
        {
            "/v1/health": httpx.Response(200, json={"status": "OK"}),
            "/v1/version": httpx.Response(200, json={"version": "9.9.9"}),
        }
    )
    target, _ = probe_target(client, profile_id="ogx-1.5")
    assert target.server is None


def test_the_longest_version_prefix_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user profile for one patch release is chosen over the built-in profile of its minor version."""
    monkeypatch.setattr(profiles, "_LOADED", {})  # what this test loads is forgotten after it
    shutil.copytree(EXAMPLE, tmp_path / "p")
    path = tmp_path / "p" / "profile.yaml"
    text = path.read_text().replace("id: chat-gateway", "id: ogx-patched")
    path.write_text(text.replace("versions: []", 'versions: ["1.5.7"]'))
    load_profile_folder(tmp_path / "p")
    assert detect_profile("1.5.7").id == "ogx-patched"
    assert detect_profile("1.5.0").id == "ogx-1.5"
