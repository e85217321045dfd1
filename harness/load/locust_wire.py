"""The mock IdP's `Wire` over Locust's own HTTP client, so Locust's statistics see every request.

Requests are named `<profile> <verb> <METHOD> <path with ids as {id}>`: latency is reported per
IdP dialect and per verb, and the statistics do not grow one row per created user.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.load.tally import THROTTLED, Tally
from harness.transport.client import join_url
from mock_idp.wire import Sent

RESOURCES = ("Users", "Groups")
MAX_BACKOFF_S = 30.0  # a Retry-After is honoured up to this; the run's duration bounds it anyway


def stats_name(label: str, method: str, path: str) -> str:
    parts = path.partition("?")[0].strip("/").split("/")
    if len(parts) > 1 and parts[0] in RESOURCES and parts[1] != ".search":
        parts[1] = "{id}"
    return f"{label} {method} /{'/'.join(parts)}"


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    answer: Any

    def json(self) -> Any:
        return self.answer.json()


@dataclass(frozen=True, slots=True)
class _Sent:
    response: _Reply | None


class Budget:
    """The request cap of this process: a load stops by itself even if pacing goes wrong."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.spent = 0

    def spend(self) -> None:
        self.spent += 1

    @property
    def exhausted(self) -> bool:
        return self.spent >= self.cap


def retry_after_seconds(value: str | None) -> float:
    """Seconds a `Retry-After` asks for (RFC 9110 10.2.3); an HTTP-date or nonsense counts as 0."""
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0


class WindowClosedError(Exception):
    """The load's time is up: no new request starts, those in flight still count."""


class Meter:
    """Paces one Locust user: one request every 1/rate seconds, catching up one at most.

    A user that falls behind (a slow answer) sends at most one missed request early, then
    keeps the pace from now: a server that stalls cannot hide it behind a burst, while the
    timer's few milliseconds of lateness do not add up over a run. An answer with
    `Retry-After` holds the user back as long as it asks (up to MAX_BACKOFF_S). No request
    starts after `closes_at`: the load's window is exactly its duration, and what was sent in it
    is answered and counted (Locust's stop timeout lets it finish), however slow the server.
    """

    def __init__(
        self,
        rate: float,
        first_due: float | None = None,
        clock: Callable[[], float] = time.perf_counter,
        closes_at: float = math.inf,
    ) -> None:
        self.interval = 1.0 / rate
        self.clock = clock
        self.next_due = clock() if first_due is None else first_due
        self.resume_at = 0.0
        self.closes_at = closes_at

    @property
    def closed(self) -> bool:
        return self.clock() >= self.closes_at

    def wait(self) -> float:
        now = self.clock()
        return max(0.0, self.next_due - now, self.resume_at - now)

    def sending(self) -> None:
        self.next_due = max(self.next_due, self.clock() - self.interval) + self.interval

    def answered(self, status: int, headers: Mapping[str, str]) -> None:
        if status in THROTTLED:
            asked = min(retry_after_seconds(headers.get("Retry-After")), MAX_BACKOFF_S)
            self.resume_at = max(self.resume_at, self.clock() + asked)


@dataclass(frozen=True, slots=True)
class LocustWire:
    # Locust's HttpSession or FastHttpSession. `Any`: their request() takes keyword arguments
    # typed as a TypedDict, which no Protocol written here can match, and this module must not
    # import Locust.
    client: Any
    base_url: str
    label: str
    tally: Tally
    budget: Budget
    meter: Meter
    auth: Callable[[], Mapping[str, str]]
    racing: bool = False  # one of two creates of the same person sent at once
    sleep: Callable[[float], None] = time.sleep  # gevent's, in a Locust process
    # Every body sent goes past the run's redactor, which keeps its passwords as secrets.
    sent: Callable[[Any], None] = lambda _: None
    # Client-specific keywords: python-requests takes timeout and verify per request, while
    # geventhttpclient (FastHttpUser) has them on the user, set once.
    options: Mapping[str, Any] = field(default_factory=dict)
    # Told of every request as it starts, with how late (s) the process sent it: a paced
    # request that waited for its turn and woke late was held up by the generator itself.
    started: Callable[[float], None] = lambda late: None

    def _wait_for_turn(self) -> float:
        """Sleep until this request is due; how late it then is (0 if it was already due: a
        user behind its pace waited for an answer, which is the target's time, not ours)."""
        if self.racing:  # racers go together, or there would be no race
            return 0.0
        wait = self.meter.wait()
        if wait <= 0:
            return 0.0
        due = self.meter.clock() + wait
        self.sleep(wait)
        return max(0.0, self.meter.clock() - due)

    def send(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> Sent:
        url = join_url(self.base_url, path, params)
        # Entra writes its tenant URL's query into the path (`/Users?aadOptscim062020`).
        creates_user = method == "POST" and path.partition("?")[0].rstrip("/").endswith("/Users")
        late = self._wait_for_turn()
        if self.meter.closed:
            raise WindowClosedError()
        self.meter.sending()
        self.budget.spend()
        self.sent(json_body)
        self.started(late)
        with self.client.request(
            method,
            url,
            name=stats_name(self.label, method, path),
            catch_response=True,
            headers={**self.auth(), **(headers or {})},
            json=json_body,
            allow_redirects=False,
            **self.options,  # a token never follows a redirect
        ) as answer:
            status = int(answer.status_code or 0)
            answered = answer.headers or {}  # geventhttpclient has none without an answer
            self.tally.saw(status, answered, raced=self.racing and creates_user)
            self.meter.answered(status, answered)
            if creates_user:
                self.tally.post(json_body, status)
            if 200 <= status < 300 or (self.racing and creates_user and status == 409):
                answer.success()  # losing a create race with 409 is what a server must do
            else:
                error = getattr(answer, "error", None)
                answer.failure(f"HTTP {status}" if status else f"no answer: {error}")
        return _Sent(_Reply(status, answer) if status else None)
