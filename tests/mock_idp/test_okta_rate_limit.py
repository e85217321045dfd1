"""Okta's 429 schedule (okta.md 4) on a fake clock: Retry-After seconds, else 5 minutes, doubling,
10 attempts at most, and the run's budget capping the total wait."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from mock_idp.dialects import okta_wire
from mock_idp.dialects.okta_rate_limit import (
    RetryPolicy,
    first_wait,
    okta_schedule,
    send_with_retries,
)
from mock_idp.profile import all_profiles
from mock_idp.strategies import run_verb
from tests.support.okta_fakes import FakeWire, Reply, Sent, directory, fact, verb


@dataclass
class FakeClock:
    slept: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def throttled(times: int, retry_after: str | None = "2") -> FakeWire:
    """429 (with `retry_after`) for the first `times` requests, then 201."""
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    count = {"n": 0}

    def answer(method: str, path: str, params: Mapping[str, str], body: Any) -> Reply:
        count["n"] += 1
        if count["n"] <= times:
            return Reply(429, {"detail": "slow down"}, headers)
        if method == "GET":
            return Reply(200, {"Resources": [], "totalResults": 0})
        return Reply(201, {"id": "u-1"})

    return FakeWire(answer)


def sender(wire: FakeWire) -> Any:
    return lambda: wire.send("POST", "/Users", json_body={})


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        ("7", 7.0),
        (None, 300.0),
        ("Wed, 21 Oct 2026 07:28:00 GMT", 300.0),
        ("1.5", 300.0),
        ("", 300.0),
    ],
)
def test_the_first_wait_is_integer_seconds_or_five_minutes(header: str | None, wait: float) -> None:
    assert first_wait(header) == wait


def test_the_schedule_doubles_for_ten_attempts() -> None:
    assert okta_schedule(120.0) == [120.0 * 2**i for i in range(9)]


def test_retry_after_is_honoured_then_doubled_until_success() -> None:
    clock = FakeClock()
    sent, record = send_with_retries(sender(throttled(3)), RetryPolicy(clock, budget=1000))
    assert isinstance(sent, Sent) and sent.response is not None and sent.response.status == 201
    assert clock.slept == [2.0, 4.0, 8.0]
    assert record.statuses == [429, 429, 429, 201] and record.gave_up is None


def test_okta_gives_up_after_ten_attempts() -> None:
    clock = FakeClock()
    _, record = send_with_retries(sender(throttled(99, None)), RetryPolicy(clock, budget=10**6))
    assert len(record.statuses) == 10 and record.gave_up == "attempts"
    assert clock.slept == [300.0 * 2**i for i in range(9)]


def test_the_budget_caps_the_total_wait() -> None:
    clock = FakeClock()
    _, record = send_with_retries(sender(throttled(99, "2")), RetryPolicy(clock, budget=10))
    assert clock.slept == [2.0, 4.0, 4.0] and record.gave_up == "budget"
    assert record.scheduled == [2.0, 4.0, 8.0]


def test_a_step_retries_only_when_it_asks_to(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(okta_wire, "CLOCK", clock)
    wire = throttled(1)
    sent = verb(wire, directory(), "okta-oin", "assign", user="a")
    assert sent.response is not None and sent.response.status == 429
    assert clock.slept == []


def test_a_retrying_step_reports_its_429s(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(okta_wire, "CLOCK", clock)
    people = directory()
    sent = verb(throttled(2, "1"), people, "okta-oin", "assign", user="a", retry_429=True)
    assert sent.response is not None and sent.response.status == 201
    report = fact(people, "rate_limit")
    assert report["throttled"] == 2 and report["gave_up"] is False
    assert report["unusable_retry_after"] == 0
    assert [r["statuses"] for r in report["requests"]] == [[429, 429, 200], [201]]
    assert clock.slept == [1.0, 2.0]


def test_the_budget_is_the_runs_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness passes the run's `--timeout` with each verb; one request waits no longer."""
    clock = FakeClock()
    monkeypatch.setattr(okta_wire, "CLOCK", clock)
    wire, people = throttled(99, "3"), directory()
    people.scim_ids["a"] = "u-1"
    args = {"user": "a", "retry_429": True}
    run_verb(wire, people, all_profiles()["okta-oin"], "get_user", args, timeout=4.0)
    assert clock.slept == [3.0, 1.0]
    assert fact(people, "rate_limit")["gave_up"] is True
