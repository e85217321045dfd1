"""The Locust side of `scimcert load`: run only by Locust, in its own process (see `launch.py`).

Each Locust user is one IdP connection speaking one profile's dialect (profiles are dealt out
round-robin over every user of every worker). Its one task picks a kind of work by the mix's
weights and runs it through the mock IdP. Pacing counts *requests*, not tasks (`Meter`: the
wire waits for each request's turn, and the wait time is the wait until the next one), so the
target sees the asked rate whatever the mix (an import may be twenty pages, a group push three
requests). Options come as `--scim-*` arguments (`locust_run.py`, which also stops the run and
writes its summary), which Locust forwards to workers; the token comes from each process's own
environment.
"""

from __future__ import annotations

import itertools
import math
import os
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import gevent
import gevent.ssl
import requests
from locust import FastHttpUser, HttpUser
from locust.env import Environment
from locust.exception import StopUser
from locust.runners import WorkerRunner
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from harness.load.locust_run import RUN, TALLY, options_of, request_started, runner_of
from harness.load.locust_wire import Budget, LocustWire, Meter, WindowClosedError
from harness.load.mix import Mix
from harness.load.traffic import FLOWS, Connection
from harness.transport.auth import AuthError, auth_from_env
from harness.transport.redactor import Redactor
from mock_idp.directory import Directory, item_seed
from mock_idp.profile import Profile, select_profiles
from mock_idp.wire import Wire

# One quiet retry of an idempotent request whose kept-alive connection the server had just
# closed (RFC 9110 9.2.2 allows it; every HTTP client and IdP does it): a reset on reuse is a
# race between two idle timers, not the server failing. POST and PATCH are never retried once
# sent (urllib3 retries reads of idempotent methods only; a failed connect sent nothing).
STALE_CONNECTION_RETRY = Retry(total=1, connect=1, read=1, status=0, redirect=0)
STALE_CONNECTION_RETRIES = 1
_USERS = itertools.count()


@dataclass(frozen=True)
class Plan:
    """What every user of this process shares, built once the options are known."""

    profiles: Sequence[Profile]
    mix: Mix
    budget: Budget
    headers: Callable[[], Mapping[str, str]]
    redactor: Redactor  # the token and every password sent: scrubbed from kept error texts
    first_index: int
    stride: int


def _verify(text: str) -> bool | str:
    return {"true": True, "false": False}.get(text.lower(), text)


@cache
def _plan(environment: Environment) -> Plan:
    options, runner = options_of(environment), runner_of(environment)
    workers = max(1, int(getattr(options, "expect_workers", 1) or 1))
    settings = {"token_url": options.scim_token_url, "client_id": options.scim_client_id}
    auth = auth_from_env(options.scim_auth, os.environ, **{k: v for k, v in settings.items() if v})
    session = requests.Session()  # OAuth token fetches stay out of the load's statistics
    session.trust_env = False
    worker = runner.worker_index if isinstance(runner, WorkerRunner) else None
    cap = int(options.scim_max_requests)
    share = math.ceil(cap / workers) if worker is not None else cap
    return Plan(
        profiles=select_profiles(options.scim_idp),
        mix=Mix.parse(options.scim_mix),
        budget=Budget(share),
        headers=lambda: auth.headers(session),
        redactor=Redactor(auth),
        first_index=worker or 0,
        stride=workers if worker is not None else 1,
    )


def _parallel(calls: Sequence[Callable[[], object]]) -> None:
    gevent.joinall([gevent.spawn(call) for call in calls], raise_error=True)


class IdpConnection:
    """One IdP connection: its own people, one dialect, paced in requests per second. Mixed
    into a Locust user class of either HTTP client (`IdpUser`, `IdpRequestsUser`): the traffic,
    pacing, statistics names and tally are the same; only the client differs."""

    # Given by the Locust user class this is mixed into (typed here for the mixin alone).
    environment: Environment
    client: Any
    host: str | None
    client_options: Mapping[str, Any] = {}  # keywords each request of this client takes

    def on_start(self) -> None:
        options = options_of(self.environment)
        try:
            self.plan = _plan(self.environment)
        except (AuthError, ValueError) as error:
            TALLY.failed("setup", error, str)  # AuthError names no secret (auth.py)
            raise StopUser() from error
        index = self.plan.first_index + next(_USERS) * self.plan.stride
        profile = self.plan.profiles[index % len(self.plan.profiles)]
        seed = item_seed(options.scim_seed, f"load/u{index}", profile.id)
        directory = Directory(run_prefix=f"{options.scim_prefix}-u{index}", seed=seed)
        rng = random.Random(seed)  # noqa: S311  # seeded, to replay a load; no secret
        self.connection = Connection(profile, directory, rng, group_size=options.scim_group_size)
        self.kinds = self.plan.mix.for_profile(profile)
        rate = float(options.scim_user_rate)
        # Users start together; the i-th sends first at i / (total rate), so the target sees
        # an even stream from the first second rather than every user's first request at once.
        clock = RUN.get("clock", time.perf_counter())
        first_due = clock + index / (rate * options.scim_users)
        self.meter = Meter(rate, first_due, closes_at=clock + float(options.scim_duration))
        if not self.kinds:
            raise StopUser()  # this dialect sends none of the mix; the report says so

    def wires(self, verb: str, *, racing: bool = False) -> Wire:
        return LocustWire(
            self.client,
            self.host or "",
            f"{self.connection.profile.id} {verb}",
            TALLY,
            self.plan.budget,
            self.meter,
            self.plan.headers,
            racing,
            gevent.sleep,
            sent=self.plan.redactor.learn_document,
            options=self.client_options,
            started=request_started,
        )

    def work(self) -> None:
        if self.plan.budget.exhausted or self.meter.closed:
            raise StopUser()
        kind = self.connection.rng.choices(list(self.kinds), list(self.kinds.values()))[0]
        try:
            FLOWS[kind](self.connection, self.wires, _parallel)
        except WindowClosedError:
            raise StopUser() from None
        except Exception as error:  # a dialect that breaks under load must not stop the run
            TALLY.failed(f"{self.connection.profile.id} {kind}", error, self.plan.redactor.text)

    def wait_time(self) -> float:
        """Until this user's next request is due (requests are paced, not tasks: see Meter), or
        until the window closes, when the user stops by itself."""
        return min(self.meter.wait(), max(0.0, self.meter.closes_at - time.perf_counter()))


class IdpUser(IdpConnection, FastHttpUser):
    """The default: geventhttpclient, 1.3 to 1.7 times the requests per core of python-requests
    on the IdP mixes (benchmarks/RESULTS.md, "Load generator capacity")."""

    host = "http://127.0.0.1"  # always replaced by --host; Locust insists on a default
    tasks = [IdpConnection.work]  # noqa: RUF012  # Locust's own attribute, a list
    max_retries = STALE_CONNECTION_RETRIES  # geventhttpclient retries idempotent methods only

    def __init__(self, environment: Environment) -> None:
        options = options_of(environment)
        self.network_timeout = self.connection_timeout = float(options.scim_timeout)
        verify = _verify(options.scim_verify)
        self.insecure = verify is False
        if isinstance(verify, str):  # a CA bundle
            self.ssl_context_factory = lambda: gevent.ssl.create_default_context(cafile=verify)
        super().__init__(environment)


class IdpRequestsUser(IdpConnection, HttpUser):
    """python-requests (`--client requests`): slower, kept to compare with and to fall back on."""

    host = "http://127.0.0.1"
    tasks = [IdpConnection.work]  # noqa: RUF012

    def on_start(self) -> None:
        options = options_of(self.environment)
        self.client_options = {
            "timeout": float(options.scim_timeout),
            "verify": _verify(options.scim_verify),
        }
        for adapter in self.client.adapters.values():
            if isinstance(adapter, HTTPAdapter):
                adapter.max_retries = STALE_CONNECTION_RETRY
        super().on_start()
