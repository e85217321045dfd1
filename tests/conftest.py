"""Shared fixtures: real reference servers on loopback ports, each with its own SQLite file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.reference import RunningServer, start_server


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
