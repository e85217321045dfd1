"""Okta's answer to HTTP 429 (docs/idp/okta.md#rate-limiting): wait, retry, double the wait, give up
after 10 tries.

The first wait is the `Retry-After` of the first 429 when it is integer seconds; absent, an
HTTP-date, or anything else, Okta waits its default of 5 minutes. Each further 429 doubles the
wait (Okta's docs say that every further 429 doubles the wait; reading it as doubling the *first*
wait is our inference). After 10 attempts the task fails for good.

Waiting is done by a `Clock`, so unit tests run the schedule in no time; in a real run the total
wait of one request is capped by a budget (the run's `--timeout`), because a certification run
cannot sit out Okta's 5-minute default.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..wire import Sent, status_of

DEFAULT_WAIT_SECONDS = 300.0  # #rate-limiting: no usable Retry-After -> 5 minutes
MAX_ATTEMPTS = 10  # #rate-limiting: then the task fails for good


class Clock(Protocol):
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def is_seconds(retry_after: str | None) -> bool:
    """Integer seconds, what Okta honours (#rate-limiting); not an HTTP-date, a fraction, none."""
    text = (retry_after or "").strip()
    return text.isascii() and text.isdigit()


def first_wait(retry_after: str | None, default: float = DEFAULT_WAIT_SECONDS) -> float:
    """The `Retry-After` seconds when usable, else Okta's default."""
    return float(int(str(retry_after).strip())) if is_seconds(retry_after) else default


def okta_schedule(first: float, attempts: int = MAX_ATTEMPTS) -> list[float]:
    """The waits before attempts 2..`attempts`: the first wait, then doubling."""
    return [first * 2**retry for retry in range(attempts - 1)]


def retry_after_of(sent: Sent) -> str | None:
    """The `Retry-After` of an answer; the IdP's `Reply` protocol has no headers, records do."""
    headers: Any = getattr(sent.response, "headers", None) or {}
    return next((str(v) for k, v in dict(headers).items() if k.lower() == "retry-after"), None)


@dataclass
class Attempts:
    """What happened to one request: every status, Okta's waits and the waits actually slept."""

    statuses: list[int | None] = field(default_factory=list)
    retry_after: list[str | None] = field(default_factory=list)
    scheduled: list[float] = field(default_factory=list)
    waited: list[float] = field(default_factory=list)
    gave_up: str | None = None  # "attempts" (Okta's limit) or "budget" (the run's --timeout)

    def to_fact(self) -> dict[str, Any]:
        return {
            "attempts": len(self.statuses),
            "statuses": list(self.statuses),
            "retry_after": list(self.retry_after),
            "scheduled": list(self.scheduled),
            "waited": list(self.waited),
            "gave_up": self.gave_up,
        }


@dataclass(frozen=True)
class RetryPolicy:
    clock: Clock
    budget: float  # the most one request may wait in total, in seconds
    attempts: int = MAX_ATTEMPTS
    default_wait: float = DEFAULT_WAIT_SECONDS


def send_with_retries(send: Callable[[], Sent], policy: RetryPolicy) -> tuple[Sent, Attempts]:
    """Send until the answer is not 429, Okta's attempts run out, or the budget does."""
    record = Attempts()
    first: float | None = None
    while True:
        sent = send()
        record.statuses.append(status_of(sent))
        if status_of(sent) != 429:
            return sent, record
        header = retry_after_of(sent)
        record.retry_after.append(header)
        if first is None:
            first = first_wait(header, policy.default_wait)
        if len(record.statuses) >= policy.attempts:
            record.gave_up = "attempts"
            return sent, record
        remaining = policy.budget - sum(record.waited)
        if remaining <= 0:
            record.gave_up = "budget"
            return sent, record
        scheduled = first * 2 ** (len(record.statuses) - 1)
        record.scheduled.append(scheduled)
        record.waited.append(min(scheduled, remaining))
        policy.clock.sleep(record.waited[-1])
