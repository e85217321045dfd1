"""Shared fixtures: real reference servers on loopback ports, each with its own SQLite file.

Under xdist with `--dist loadgroup` (`make unit`) a module that defines a module-scoped fixture
(a fault server and every fault's run, say) goes to one worker whole, so the fixture is made
once, not once per worker; every other test is handed out one by one (tests/support/scheduling).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support import scheduling
from tests.support.reference import RunningServer, start_server


def pytest_configure(config: pytest.Config) -> None:
    # Only where xdist is loaded: pytest refuses a hook no plugin declares, and a plain `pytest`
    # over a folder under tests/ may run without xdist.
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(scheduling, "tests.support.scheduling")


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
