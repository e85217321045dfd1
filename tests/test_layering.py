"""The pipeline reads one way: each package imports only what it may, and no module imports
itself back through others (an import circle)."""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "harness",
    "mock_idp",
    "reference_server",
    "registry",
    "reports",
    "scenarios",
    "suites",
    "verdict",
)

# The server's core never knows that deliberate faults exist: they plug into its seams.
FAULTS = "reference_server.faults"

# package (or sub-package) -> project packages it must never import
FORBIDDEN = {
    "reference_server": {"harness", "mock_idp", "reports", "scenarios", "suites"},
    "reference_server/domain": {
        "harness",
        "mock_idp",
        "reports",
        "scenarios",
        "reference_server.scim",
        "reference_server.storage",
        "reference_server.probe",
        "starlette",
        "sqlalchemy",
        "uvicorn",
        "scim2_models",
        FAULTS,
    },
    "reference_server/scim": {FAULTS},
    "reference_server/storage": {FAULTS},
    "reference_server/probe": {FAULTS},
    "harness": {"reference_server"},
    # The harness's rooms, in the order a step travels back up through them (docs/architecture.md):
    # transport <- checks <- scenario <- engine <- suites <- plugin <- cli; load and capture beside
    # the plugin.
    "harness/transport": {
        "harness.checks",
        "harness.scenario",
        "harness.engine",
        "harness.suites",
        "harness.plugin",
        "harness.cli",
        "harness.load",
        "harness.capture",
    },
    "harness/checks": {
        "harness.scenario",
        "harness.engine",
        "harness.suites",
        "harness.plugin",
        "harness.cli",
        "harness.load",
        "harness.capture",
    },
    "harness/scenario": {
        "harness.engine",
        "harness.suites",
        "harness.plugin",
        "harness.cli",
        "harness.load",
        "harness.capture",
    },
    "harness/engine": {
        "harness.suites",
        "harness.plugin",
        "harness.cli",
        "harness.load",
        "harness.capture",
    },
    "harness/suites": {
        "harness.engine",
        "harness.plugin",
        "harness.cli",
        "harness.load",
        "harness.capture",
    },
    "harness/plugin": {"harness.cli", "harness.load", "harness.capture"},
    "harness/load": {
        "harness.plugin",
        "harness.cli",
        "harness.scenario",
        "harness.suites",
        "harness.capture",
    },
    # Recordings are read, scrubbed, replayed and compared beside the run: never inside it.
    "harness/capture": {"harness.plugin", "harness.cli", "harness.load"},
    "mock_idp": {"harness", "reports", "reference_server", "suites"},
    "reports": {"harness", "mock_idp", "reference_server", "suites"},
    # Data, like scenarios/: the vendor suites' files and their schema; they import nothing.
    "suites": {
        "harness",
        "mock_idp",
        "reference_server",
        "registry",
        "reports",
        "scenarios",
        "verdict",
    },
    # The run's vocabulary is a leaf: the harness writes it, the reports read it.
    "verdict": {
        "harness",
        "mock_idp",
        "reference_server",
        "registry",
        "reports",
        "scenarios",
        "suites",
    },
    # One registry helper serves every package, so it may import none of them.
    "registry": {
        "harness",
        "mock_idp",
        "reference_server",
        "reports",
        "scenarios",
        "suites",
        "verdict",
    },
}


def _imported(root: Path, path: Path) -> Iterator[tuple[str, list[str]]]:
    """Each import of the file, anywhere in it (inside functions and `if TYPE_CHECKING:` too):
    the module named, absolute, and the names taken from it (each may be a submodule)."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            module = ".".join([*(base if node.level else []), *filter(None, [node.module])])
            yield module, [alias.name for alias in node.names]


def _imports(root: Path, path: Path) -> set[str]:
    """Every module the file may import: `from .. import faults` names `reference_server` and
    `reference_server.faults`."""
    found: set[str] = set()
    for module, names in _imported(root, path):
        found.update([module, *(f"{module}.{name}" for name in names)])
    return found


def _violations(folder: str, forbidden: set[str], root: Path = ROOT) -> list[str]:
    bad = []
    for path in sorted((root / folder).rglob("*.py")):
        for name in sorted(_imports(root, path)):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(root)} imports {name}")
    return bad


def _module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _known(name: str, modules: set[str]) -> str | None:
    """The project module `name` imports: itself, or the package it is a name inside."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Module -> the project modules it imports. A package's `__init__` is not counted as
    imported by its own submodules: Python has it running already when they import a sibling."""
    paths = {_module_name(root, p): p for pkg in packages for p in (root / pkg).rglob("*.py")}
    modules = set(paths)
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        targets: set[str | None] = set()
        for module, names in _imported(root, path):
            submodules = [f"{module}.{n}" for n in names if f"{module}.{n}" in modules]
            targets.update(submodules or [_known(module, modules)])
        graph[name] = {target for target in targets if target is not None} - {name}
    return graph


def import_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle of the graph, as the modules around it; [] when there is none."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as circle:
        found: list[str] = circle.args[1]
        return found
    return []


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_import_direction(folder: str) -> None:
    assert _violations(folder, FORBIDDEN[folder]) == []


def test_the_rule_catches_a_violation(tmp_path: Path) -> None:
    """The checker itself must be able to fail: a relative import up into `scim` is caught."""
    domain = tmp_path / "reference_server" / "domain"
    domain.mkdir(parents=True)
    (domain / "probe.py").write_text("from ..scim import errors\n")
    found = _violations("reference_server/domain", FORBIDDEN["reference_server/domain"], tmp_path)
    assert found == [
        "reference_server/domain/probe.py imports reference_server.scim",
        "reference_server/domain/probe.py imports reference_server.scim.errors",
    ]


@pytest.mark.parametrize("core", ["scim", "storage", "domain", "probe"])
def test_the_rule_catches_the_core_importing_faults(tmp_path: Path, core: str) -> None:
    """`from .. import faults`, even inside a function, is the core knowing about faults."""
    folder = tmp_path / "reference_server" / core
    folder.mkdir(parents=True)
    (folder / "hooked.py").write_text("def f():\n    from .. import faults\n")
    found = _violations(f"reference_server/{core}", {FAULTS}, tmp_path)
    assert found == [f"reference_server/{core}/hooked.py imports reference_server.faults"]


def test_there_is_no_import_circle() -> None:
    assert import_cycle(import_graph(ROOT, PACKAGES)) == []


def test_the_circle_check_finds_a_circle_held_by_a_function_local_import(tmp_path: Path) -> None:
    """The shape the fault hooks once had: a top-level import one way, a late one back."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from . import a\n")
    (package / "a.py").write_text("from .sub.b import helper\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text("def helper():\n    from .. import a\n")
    graph = import_graph(tmp_path, ("pkg",))
    assert graph == {
        "pkg": {"pkg.a"},
        "pkg.a": {"pkg.sub.b"},
        "pkg.sub": set(),
        "pkg.sub.b": {"pkg.a"},
    }
    assert sorted(import_cycle(graph)) == ["pkg.a", "pkg.a", "pkg.sub.b"]
    (package / "sub" / "b.py").write_text("def helper():\n    pass\n")
    assert import_cycle(import_graph(tmp_path, ("pkg",))) == []
