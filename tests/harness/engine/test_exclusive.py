"""The lock that keeps exclusive scenarios alone on the server while xdist workers share it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from harness.engine.exclusive import ServerLock, new_lock_dir, remove_lock_dir

WAIT_S = 0.3  # long enough for a thread that could enter to have entered


def _item(
    lock: ServerLock, name: str, exclusive: bool, leave: threading.Event, log: list[str]
) -> threading.Thread:
    """A thread that runs one item: it enters, waits for `leave`, and says so in `log`."""

    def run() -> None:
        with lock.hold(exclusive):
            log.append(f"{name} in")
            leave.wait(10)
            log.append(f"{name} out")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(WAIT_S)
    return thread


def test_ordinary_items_share_the_server(tmp_path: Path) -> None:
    log: list[str] = []
    lock, leave = ServerLock(tmp_path), threading.Event()
    threads = [_item(lock, name, False, leave, log) for name in ("a", "b")]
    assert log == ["a in", "b in"]
    leave.set()
    for thread in threads:
        thread.join(10)


def test_an_exclusive_item_waits_for_the_others_then_runs_alone(tmp_path: Path) -> None:
    # Each thread opens the lock files itself, as each xdist worker does.
    log: list[str] = []
    lock = ServerLock(tmp_path)
    leave = {name: threading.Event() for name in ("ordinary", "exclusive", "later")}
    threads = [_item(lock, "ordinary", False, leave["ordinary"], log)]
    threads.append(_item(lock, "exclusive", True, leave["exclusive"], log))
    # An ordinary item arriving while the exclusive one waits queues behind it: the gate.
    threads.append(_item(lock, "later", False, leave["later"], log))
    assert log == ["ordinary in"]
    leave["ordinary"].set()
    time.sleep(WAIT_S)
    assert log == ["ordinary in", "ordinary out", "exclusive in"]
    leave["exclusive"].set()
    time.sleep(WAIT_S)
    assert log[3:] == ["exclusive out", "later in"]
    leave["later"].set()
    for thread in threads:
        thread.join(10)


def test_the_lock_directory_is_private_and_removed() -> None:
    directory = new_lock_dir()
    assert directory.stat().st_mode & 0o077 == 0
    ServerLock(directory)
    remove_lock_dir(directory)
    assert not directory.exists()
