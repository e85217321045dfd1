"""Shared fixtures: real reference servers on loopback ports, each with its own SQLite file.

Under xdist (`make unit` runs `--dist loadgroup`) a module whose tests share a module-scoped
fixture (a fault server and every fault's run, say) goes to one worker as a whole, so the
fixture is made once, not once per worker; every other test is handed out one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.reference import RunningServer, start_server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if isinstance(item, pytest.Function) and _shares_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


def _shares_a_module_fixture(item: pytest.Function) -> bool:
    # pytest has no public way to ask a test for its fixtures' scopes; this attribute is stable.
    definitions = item._fixtureinfo.name2fixturedefs.values()
    return any(d.scope == "module" for defs in definitions for d in defs)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("server") / "scimcert.db")
    yield running
    running.stop()


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    started: list[RunningServer] = []

    def factory(*args: str, env: dict[str, str] | None = None, name: str = "s.db") -> RunningServer:
        running = start_server(tmp_path / name, *args, env=env)
        started.append(running)
        return running

    yield factory
    for running in started:
        running.stop()
