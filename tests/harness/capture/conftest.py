"""Fixtures of the capture tests: fresh reference servers, each its own database, for a module."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.support.reference import RunningServer, start_server


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., RunningServer]]:
    """Starts a fresh server on each call (`servers("--fault", NAME)`); all stop with the module:
    a recording is made on one and replayed on others that never saw its ids."""
    started: list[RunningServer] = []

    def fresh(*args: str) -> RunningServer:
        started.append(start_server(tmp_path_factory.mktemp("server") / "scim.db", *args))
        return started[-1]

    yield fresh
    for server in started:
        server.stop()
