"""Exclusive scenarios run alone, also when xdist workers share the server.

An exclusive scenario reads the whole server (Okta's SPEC suite takes "the first user" listed,
the import pages through every user), so no other item may run beside it. The workers of one
run share a directory holding two lock files (`flock`, so a crashed worker releases its locks):

- `room`: every item holds it while it runs, shared; an exclusive item holds it alone.
- `gate`: taken, briefly, to enter the room. An exclusive item keeps it while it waits for the
  items in the room to finish, so new ones queue behind it instead of starving it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

GATE, ROOM = "gate", "room"


def new_lock_dir() -> Path:
    """A private directory for one run's locks; the controller creates and removes it."""
    return Path(tempfile.mkdtemp(prefix="scimcert-locks-"))


def remove_lock_dir(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def _flock(path: Path, operation: int) -> Iterator[None]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, operation)
        yield
    finally:
        os.close(descriptor)  # closing the last descriptor releases the lock


class ServerLock:
    """Shared for ordinary items, exclusive for exclusive ones, across the run's processes."""

    def __init__(self, directory: Path) -> None:
        self.gate = directory / GATE
        self.room = directory / ROOM

    @contextmanager
    def hold(self, exclusive: bool) -> Iterator[None]:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        with ExitStack() as inside:
            with _flock(self.gate, fcntl.LOCK_EX):
                inside.enter_context(_flock(self.room, mode))
            yield  # in the room, the gate open again
