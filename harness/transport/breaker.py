"""Endpoints that stopped answering: after repeated timeouts, not sent to again in this process.

A server whose list endpoint hangs costs every item that looks a user up a full `--timeout`, so a
run of hundreds of requests would take hours. After `TIMEOUTS_TO_OPEN` timeouts in a row on one
endpoint (method and path shape: `GET /Users` whatever the query, `GET /Users/{id}` whatever the
id), later requests to it end at once without being sent, with the reason in their place.

The timeouts themselves were graded when they happened (a FAIL of `transport-complete`); a request
not sent is recorded with the error kind `not-sent` and the reason, never as a fresh timeout.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

TIMEOUTS_TO_OPEN = 2


def path_shape(base_url: str, url: str) -> str:
    """`url`'s path under the base URL, every id replaced: `/Users/{id}`, `/members/{id}/role`.

    Resource paths alternate a name and an id (SCIM's `/Users/{id}`, the app probe's
    `/members/{id}/role`), so every second segment is taken for an id.
    """
    base = urlsplit(base_url).path.rstrip("/")
    path = urlsplit(url).path
    if base and (path == base or path.startswith(f"{base}/")):
        path = path[len(base) :]
    segments = [part for part in path.split("/") if part]
    shaped = [part if index % 2 == 0 else "{id}" for index, part in enumerate(segments)]
    return "/" + "/".join(shaped)


def _times(count: int) -> str:
    return "twice" if count == 2 else f"{count} times in a row"


class Breaker:
    """Consecutive timeouts per endpoint of one process; shared by every transport of a run."""

    def __init__(self, threshold: int = TIMEOUTS_TO_OPEN) -> None:
        if threshold < 1:
            raise ValueError("the breaker needs at least one timeout to open")
        self.threshold = threshold
        self._timeouts: dict[tuple[str, str, str], int] = {}
        self._lock = threading.Lock()

    def refusal(self, base_url: str, method: str, shape: str, timeout: float) -> str | None:
        """Why a request to this endpoint is not sent, or None to send it."""
        with self._lock:
            count = self._timeouts.get(self._key(base_url, method, shape), 0)
        if count < self.threshold:
            return None
        return (
            f"{method.upper()} {shape} timed out {_times(count)} ({timeout:g} s each); "
            "not sent again in this run"
        )

    def record(self, base_url: str, method: str, shape: str, *, timed_out: bool) -> None:
        """One sent request's fate: a timeout counts, any other end starts the count over.

        An open endpoint stays open: a request already in flight on another thread that does get
        an answer must not reopen what the reason said would not be sent again.
        """
        key = self._key(base_url, method, shape)
        with self._lock:
            count = self._timeouts.get(key, 0)
            if timed_out:
                self._timeouts[key] = count + 1
            elif count < self.threshold:
                self._timeouts.pop(key, None)

    @staticmethod
    def _key(base_url: str, method: str, shape: str) -> tuple[str, str, str]:
        # The base URL keeps the SCIM API and the app probe apart when they share a breaker.
        return base_url, method.upper(), shape
