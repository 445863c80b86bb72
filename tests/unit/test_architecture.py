"""The layers point one way (see ARCHITECTURE.md); this test fails when a lower layer imports a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "conformance"

# Lower number = lower layer. A module may import its own layer's package and any lower layer.
LAYERS: dict[str, int] = {
    "core": 0,
    "spec": 1,
    "servers": 1,
    "checks": 2,
    "cassettes": 2,
    "diff": 2,
    "specdiff": 2,
    "scenarios": 2,
    "clients": 2,
    "runner": 3,
    "mock": 3,
    "reports": 4,
    "cli": 5,
    "pytest_plugin": 5,
}
# Same-layer imports that are part of the design (the spec exporter builds upstream environments).
ALLOWED_SIDEWAYS = {("spec", "servers"), ("pytest_plugin", "cli")}
# The pytest plugin checks its options with the CLI's option helpers (one home for each).


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "conformance":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "<root>"


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from conformance import reports` imports the package `conformance.reports`.
            if node.module == "conformance":
                found += [(node.lineno, f"conformance.{alias.name}") for alias in node.names]
    return found


def _violations() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        own = rel.parts[0] if len(rel.parts) > 1 else "<root>"
        if own not in LAYERS:
            continue
        for lineno, module in _imports(path):
            other = _package_of(module)
            if other is None or other in {"<root>", own}:
                continue
            if LAYERS[other] > LAYERS[own] or (LAYERS[other] == LAYERS[own] and (own, other) not in ALLOWED_SIDEWAYS):
                problems.append(f"conformance/{rel}:{lineno}: {own} (layer {LAYERS[own]}) imports {module}")
    return problems


def test_every_top_level_package_has_a_layer() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages - {"_data"} <= set(LAYERS), f"add new packages to LAYERS: {packages - set(LAYERS)}"


def test_layers_point_one_way() -> None:
    assert _violations() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from conformance.cli import main\n", "core (layer 0) imports conformance.cli"),
        ("import conformance.runner.base\n", "core (layer 0) imports conformance.runner.base"),
        ("from conformance import reports\n", "core (layer 0) imports conformance.reports"),
    ],
)
def test_a_lower_layer_importing_a_higher_one_is_reported(
    source: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "conformance"
    (fake / "core").mkdir(parents=True)
    (fake / "core" / "__init__.py").write_text("")
    (fake / "core" / "bad.py").write_text(source)
    monkeypatch.setitem(globals(), "PACKAGE", fake)
    assert any(expected in v for v in _violations())
