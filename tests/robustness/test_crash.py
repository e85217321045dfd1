"""SIGKILL during a burst of creates: after a restart on the same database, every create that
was answered 201 is there (a 201 is a promise the IdP relies on; it never asks again)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

from tests.support.reference import RunningServer, start_server

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
WRITERS = 4


def test_every_acknowledged_create_survives_sigkill(
    server_factory: Callable[..., RunningServer], tmp_path: Path
) -> None:
    running = server_factory(name="crash.db")
    acknowledged: list[tuple[str, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(n: int) -> None:
        session = running.scim()
        i = 0
        while not stop.is_set():
            name = f"crash-{n}-{i}@example.test"
            i += 1
            try:
                answer = session.post(
                    f"{running.url}/Users", json={"schemas": [USER], "userName": name}, timeout=5
                )
            except requests.RequestException:
                continue  # the server died mid-request: no promise was made
            if answer.status_code == 201:
                with lock:
                    acknowledged.append((answer.json()["id"], name))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with lock:
            if len(acknowledged) >= 40:
                break
        time.sleep(0.02)
    running.process.kill()  # SIGKILL, mid-burst
    running.process.wait()
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert len(acknowledged) >= 10, "the burst never got going"

    restarted = start_server(Path(running.db.removeprefix("sqlite:///")))
    try:
        scim = restarted.scim()
        for user_id, name in acknowledged:
            answer = scim.get(f"{restarted.url}/Users/{user_id}")
            assert answer.status_code == 200, (user_id, answer.text)
            assert answer.json()["userName"] == name
        listed = scim.get(f"{restarted.url}/Users", params={"count": "0"}).json()
        assert listed["totalResults"] >= len(acknowledged)
    finally:
        restarted.stop()
