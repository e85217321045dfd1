"""The pipeline reads one way (DESIGN.md): each package imports only what it may."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("harness", "mock_idp", "reference_server", "reports", "scenarios", "verdict")

# package (or sub-package) -> project packages it must never import
FORBIDDEN = {
    "reference_server": {"harness", "mock_idp", "reports", "scenarios"},
    "reference_server/domain": {
        "harness", "mock_idp", "reports", "scenarios",
        "reference_server.scim", "reference_server.storage", "reference_server.probe",
        "starlette", "sqlalchemy", "uvicorn", "scim2_models",
    },
    "harness": {"reference_server"},
    # The harness's rooms, in the order a step travels back up through them (docs/architecture.md):
    # transport <- checks <- scenario <- engine <- plugin <- cli; load beside the plugin.
    "harness/transport": {
        "harness.checks", "harness.scenario", "harness.engine", "harness.plugin", "harness.cli",
        "harness.load",
    },
    "harness/checks": {
        "harness.scenario", "harness.engine", "harness.plugin", "harness.cli", "harness.load",
    },
    "harness/scenario": {"harness.engine", "harness.plugin", "harness.cli", "harness.load"},
    "harness/engine": {"harness.plugin", "harness.cli", "harness.load"},
    "harness/plugin": {"harness.cli", "harness.load"},
    "harness/load": {"harness.plugin", "harness.cli", "harness.scenario"},
    "mock_idp": {"harness", "reports", "reference_server"},
    "reports": {"harness", "mock_idp", "reference_server"},
    # The run's vocabulary is a leaf: the harness writes it, the reports read it.
    "verdict": {"harness", "mock_idp", "reference_server", "reports", "scenarios"},
}  # fmt: skip


def _imports(root: Path, path: Path) -> set[str]:
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.add(".".join([*base, *([node.module] if node.module else [])]))
            elif node.module:
                found.add(node.module)
    return found


def _violations(folder: str, forbidden: set[str], root: Path = ROOT) -> list[str]:
    bad = []
    for path in sorted((root / folder).rglob("*.py")):
        for name in _imports(root, path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(root)} imports {name}")
    return bad


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_import_direction(folder: str) -> None:
    assert _violations(folder, FORBIDDEN[folder]) == []


def test_the_rule_catches_a_violation(tmp_path: Path) -> None:
    """The checker itself must be able to fail: a relative import up into `scim` is caught."""
    domain = tmp_path / "reference_server" / "domain"
    domain.mkdir(parents=True)
    (domain / "probe.py").write_text("from ..scim import errors\n")
    found = _violations("reference_server/domain", FORBIDDEN["reference_server/domain"], tmp_path)
    assert found == ["reference_server/domain/probe.py imports reference_server.scim"]
