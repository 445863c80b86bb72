"""The export sources table and the scripts that run inside the upstream environments."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Annotated

import pytest

from conformance.core.errors import UsageError
from conformance.core.profiles import PROFILES
from conformance.spec.export.sources import SOURCES, TOOLCHAIN, env_spec, get_source
from conformance.spec.export.upstream import IN_ENV_DIR, script_command


def test_every_profile_has_one_export_source() -> None:
    assert set(SOURCES) == set(PROFILES)
    with pytest.raises(UsageError, match="no export source"):
        get_source("nope")


@pytest.mark.parametrize("profile", list(SOURCES))
def test_the_environment_pins_the_package_and_the_toolchain(profile: str) -> None:
    source = get_source(profile)
    requirements = env_spec(source).requirements
    assert requirements[0] == f"{source.dist}=={source.version}"
    assert set(TOOLCHAIN) <= set(requirements)
    assert all("==" in r for r in requirements), "unpinned requirements make exports drift"


def test_script_commands() -> None:
    assert script_command(get_source("llama-stack-0.3"), "py")[:2] == ["py", str(IN_ENV_DIR / "export_webmethods.py")]
    assert "tool_runtime" in script_command(get_source("llama-stack-0.3"), "py")
    routers = script_command(get_source("ogx-1.5"), "py")
    assert routers[1:6] == [
        str(IN_ENV_DIR / "export_routers.py"),
        "ogx-api",
        "ogx_api",
        "--derive",
        "OpenAIErrorResponse",
    ]
    assert "inspect=inspect_api" in routers


@pytest.mark.parametrize("script", sorted(IN_ENV_DIR.glob("*.py")), ids=lambda p: p.name)
def test_in_env_scripts_import_nothing_of_ours(script: Path) -> None:
    """They run where this package is not installed; the directory is loaded there as its own package."""
    tree = ast.parse(script.read_text())
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names] + [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0
    ]
    siblings = {p.stem for p in IN_ENV_DIR.glob("*.py")}
    relative = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level > 0]
    assert not [name for name in imported if name.split(".")[0] == "conformance"]
    assert all(node.level == 1 and node.module in siblings for node in relative), "only sibling modules"


def test_the_router_exporter_knows_which_schemas_allow_null() -> None:
    from conformance.spec.export._in_env import export_routers as routers

    assert routers._admits_none(int | None)
    assert routers._admits_none(Annotated[list[str] | None, "meta"])
    assert not routers._admits_none(list[str])
    assert routers._allows_null({"anyOf": [{"type": "string"}, {"type": "null"}]})
    assert routers._allows_null({"type": ["string", "null"]})
    assert routers._allows_null({"title": "Anything"})
    assert not routers._allows_null({"type": "string", "title": "S"})
    assert not routers._allows_null({"$ref": "#/components/schemas/X"})
