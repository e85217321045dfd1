"""How `make unit` hands tests to xdist workers: one by one, except a module that defines a
module-scoped fixture, which goes to one worker whole so the fixture is built once.

xdist's own `--dist loadgroup` would do this from `xdist_group` marks, but with pytest 9.2 it
silently stops grouping (pytest-dev/pytest-xdist#1386: it rewrites a node id pytest no longer
reads). The scheduler decides from the test file instead, which the controller can read.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadScopeScheduling
from xdist.scheduler.protocol import Scheduling


def pytest_xdist_make_scheduler(config: pytest.Config, log: Producer) -> Scheduling | None:
    """The hook (this module is a plugin, registered by tests/conftest.py under xdist)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    return ModuleFixtureScheduling(config, log)


class ModuleFixtureScheduling(LoadScopeScheduling):
    """LoadScope whose scope is the module for modules with a module fixture, else the test."""

    def __init__(self, config: pytest.Config, log: Producer | None = None) -> None:
        super().__init__(config, log)
        self.root = config.rootpath

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return module if defines_a_module_fixture(self.root / module) else nodeid


@cache
def defines_a_module_fixture(path: Path) -> bool:
    if path.suffix != ".py" or not path.is_file():
        return False
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        _is_module_scope(keyword)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
    )


def _is_module_scope(keyword: ast.keyword) -> bool:
    value = keyword.value
    return keyword.arg == "scope" and isinstance(value, ast.Constant) and value.value == "module"
