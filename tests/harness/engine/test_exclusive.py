"""The lock that keeps exclusive scenarios alone on the server while xdist workers share it."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from harness.engine.exclusive import GATE, ServerLock, new_lock_dir, remove_lock_dir

# What must NOT happen is given this long to happen; what must happen is waited for (up to
# DEADLINE_S), so a loaded machine slows the tests down but never fails them.
WAIT_S = 0.3
DEADLINE_S = 10.0


def _item(
    lock: ServerLock, name: str, exclusive: bool, leave: threading.Event, log: list[str]
) -> threading.Thread:
    """A thread that runs one item: it enters, waits for `leave`, and says so in `log`."""

    def run() -> None:
        with lock.hold(exclusive):
            log.append(f"{name} in")
            leave.wait(DEADLINE_S)
            log.append(f"{name} out")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        assert time.monotonic() < deadline, f"not within {DEADLINE_S} s: {what}"
        time.sleep(0.01)


def _gate_taken(directory: Path) -> bool:
    """Whether someone holds the gate: an exclusive item does while it waits for the room."""
    descriptor = os.open(directory / GATE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def test_ordinary_items_share_the_server(tmp_path: Path) -> None:
    log: list[str] = []
    lock, leave = ServerLock(tmp_path), threading.Event()
    threads = [_item(lock, "a", False, leave, log)]
    _until(lambda: log == ["a in"], "a enters")
    threads.append(_item(lock, "b", False, leave, log))
    _until(lambda: log == ["a in", "b in"], "b enters beside a")
    leave.set()
    for thread in threads:
        thread.join(DEADLINE_S)


def test_an_exclusive_item_waits_for_the_others_then_runs_alone(tmp_path: Path) -> None:
    # Each thread opens the lock files itself, as each xdist worker does.
    log: list[str] = []
    lock = ServerLock(tmp_path)
    leave = {name: threading.Event() for name in ("ordinary", "exclusive", "later")}
    threads = [_item(lock, "ordinary", False, leave["ordinary"], log)]
    _until(lambda: log == ["ordinary in"], "the ordinary item enters")
    threads.append(_item(lock, "exclusive", True, leave["exclusive"], log))
    _until(lambda: _gate_taken(tmp_path), "the exclusive item waits at the gate")
    # An ordinary item arriving while the exclusive one waits queues behind it: the gate.
    threads.append(_item(lock, "later", False, leave["later"], log))
    time.sleep(WAIT_S)
    assert log == ["ordinary in"]
    leave["ordinary"].set()
    _until(lambda: len(log) >= 3, "the exclusive item enters once the room is empty")
    time.sleep(WAIT_S)
    assert log == ["ordinary in", "ordinary out", "exclusive in"]
    leave["exclusive"].set()
    _until(lambda: len(log) >= 5, "the later item enters after the exclusive one")
    assert log[3:] == ["exclusive out", "later in"]
    leave["later"].set()
    for thread in threads:
        thread.join(DEADLINE_S)


def test_the_lock_directory_is_private_and_removed() -> None:
    directory = new_lock_dir()
    assert directory.stat().st_mode & 0o077 == 0
    ServerLock(directory)
    remove_lock_dir(directory)
    assert not directory.exists()
