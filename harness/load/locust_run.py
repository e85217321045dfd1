"""The run-wide side of the Locust process: options, stopping, the tally's trip to the master,
and the summary the harness reads. Imported by `locustfile.py`; like it, only in Locust's process.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import gevent
import psutil  # type: ignore[import-untyped]  # Locust's own dependency, no stubs
from locust import events
from locust.env import Environment
from locust.runners import STATE_RUNNING, MasterRunner, Runner, WorkerRunner

from harness.load.generator import LAG_TICK_S, LATE_MS, SAMPLE_S, GeneratorLog, Sample
from harness.load.tally import Tally
from mock_idp import dialects
from mock_idp.directory import Directory
from mock_idp.profile import all_profiles

WATCH_INTERVAL_S = 0.2
SCHEDSTAT = Path("/proc/self/schedstat")  # run time, run-queue wait (ns), time slices
TALLY = Tally()
GENERATOR = GeneratorLog()
RUN: dict[str, Any] = {"stopped_by": "duration"}  # what the summary says of the run
# This process's current second: requests started, those started late, the loop's worst lag.
_SECOND: dict[str, float] = {"started": 0, "late": 0, "lag_ms": 0.0}


def options_of(environment: Environment) -> Any:
    """Locust's parsed options, `--scim-*` included (an argparse namespace: its values are Any)."""
    return environment.parsed_options


def runner_of(environment: Environment) -> Runner:
    runner = environment.runner
    if runner is None:
        raise RuntimeError("Locust fired an event before it made its runner")
    return runner


def _arguments(parser: Any, **_: Any) -> None:
    def option(name: str, **kwargs: Any) -> None:
        parser.add_argument(f"--scim-{name}", include_in_web_ui=False, **kwargs)

    option("idp", default="all")
    option("mix", default="")
    option("user-rate", type=float, default=1.0, help="requests/s of each Locust user")
    option("users", type=int, default=1, help="Locust users of every worker together")
    option("duration", type=float, default=60.0, help="seconds in which requests may start")
    option("max-requests", type=int, default=1000)
    option("seed", type=int, default=0)
    option("prefix", default="scimcert-load")
    option("auth", default="bearer")
    option("token-url", default="")
    option("client-id", default="")
    option("timeout", type=float, default=30.0)
    option("verify", default="true", help="true, false, or a CA bundle path")
    option("summary", default="", help="where the master (or a local run) writes its tally")
    option("client", default="fast", help="fast (geventhttpclient) or requests")
    option("group-size", type=int, default=2, help="members per group push")


def _watch(environment: Environment) -> None:
    """Quit at the request cap, or once every user has stopped: each stops at its share of the
    cap, or when no request may start any more (then the duration is what ended the run)."""
    runner = runner_of(environment)
    options = options_of(environment)
    cap, duration = int(options.scim_max_requests), float(options.scim_duration)
    seen_users = False
    while True:
        gevent.sleep(WATCH_INTERVAL_S)
        seen_users = seen_users or runner.user_count > 0
        reason = "request-cap" if environment.stats.total.num_requests >= cap else None
        if reason is None and seen_users and runner.user_count == 0:
            if runner.state != STATE_RUNNING:
                continue  # Locust's own --run-time stop is under way
            elapsed = time.perf_counter() - RUN.get("clock", 0.0)
            reason = "duration" if elapsed >= duration else "users-stopped"
        if reason is not None:
            RUN["stopped_by"] = reason
            runner.quit()
            return


def process_name(environment: Environment) -> str:
    runner = runner_of(environment)
    if isinstance(runner, WorkerRunner):
        return f"w{runner.worker_index}"
    return "master" if isinstance(runner, MasterRunner) else "local"


def request_started(late_s: float) -> None:
    """Every request this process starts, with how late the process was in sending it."""
    _SECOND["started"] += 1
    _SECOND["late"] += late_s * 1000 >= LATE_MS


def _lag_probe() -> None:
    """Ask to sleep LAG_TICK_S, again and again: how much later the loop wakes us is how long
    every request and every answer of this process waits for its turn."""
    while True:
        asked = time.perf_counter()
        gevent.sleep(LAG_TICK_S)
        lag_ms = (time.perf_counter() - asked - LAG_TICK_S) * 1000
        _SECOND["lag_ms"] = max(_SECOND["lag_ms"], lag_ms)


def _run_queue_wait_s() -> float:
    """Seconds this process has spent ready to run but waiting for a CPU (Linux; else 0)."""
    try:
        return int(SCHEDSTAT.read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def _sample(environment: Environment) -> None:
    """Once a second: this process's CPU (as Locust's own warning reads it), its wait for a
    CPU, its loop's worst lag, the requests it started and how many of them late."""
    name, process = process_name(environment), psutil.Process()
    process.cpu_percent(None)  # the first reading only starts psutil's clock
    gevent.spawn(_lag_probe)
    waited, clock = _run_queue_wait_s(), time.perf_counter()
    while True:
        gevent.sleep(SAMPLE_S)
        now_waited, now = _run_queue_wait_s(), time.perf_counter()
        wait_pct = 100.0 * (now_waited - waited) / max(now - clock, 1e-3)
        waited, clock = now_waited, now
        GENERATOR.add(
            Sample(
                name,
                time.time(),
                process.cpu_percent(None),
                wait_pct,
                _SECOND["lag_ms"],
                int(_SECOND["started"]),
                int(_SECOND["late"]),
                os.getloadavg()[0],
            )
        )
        _SECOND.update(started=0, late=0, lag_ms=0.0)


def _cpu_warning(environment: Environment, **_: Any) -> None:
    GENERATOR.warned(process_name(environment))


def _init(environment: Environment, **_: Any) -> None:
    # gevent's loop caches "now" and has not run while Locust and the profiles were imported,
    # so `--run-time`, timed from that stale now, would cut the run short by the import time.
    gevent.get_hub().loop.update_now()
    # Load profiles, dialects and Faker now, before the test: done by the first user instead,
    # they would stall the gevent loop for a second at the start of the paced window.
    all_profiles()
    dialects.load()
    Directory(run_prefix="warm-up", seed=0)
    if not isinstance(environment.runner, WorkerRunner):
        gevent.spawn(_watch, environment)
    gevent.spawn(_sample, environment)


def _started(environment: Environment, **_: Any) -> None:
    RUN.setdefault("started", time.time())
    RUN.setdefault("clock", time.perf_counter())
    if isinstance(environment.runner, MasterRunner):  # counted now: they leave before the end
        RUN["workers"] = len(environment.runner.clients.ready)


def _stopped(**_: Any) -> None:
    RUN["stopped"] = time.time()


def _report(data: dict[str, Any], **_: Any) -> None:
    data["scimcert"] = TALLY.drain()
    data["scimcert_generator"] = GENERATOR.drain()


def _gather(data: Mapping[str, Any], **_: Any) -> None:
    TALLY.merge(data.get("scimcert", {}))
    GENERATOR.merge(data.get("scimcert_generator", {}))


def _write_summary(environment: Environment, **_: Any) -> None:
    path = options_of(environment).scim_summary
    if isinstance(environment.runner, WorkerRunner) or not path:
        return
    kept = {key: value for key, value in RUN.items() if key != "clock"}
    summary = {"workers": 0, **kept, "tally": TALLY.to_dict(), "generator": GENERATOR.to_dict()}
    Path(path).write_text(json.dumps(summary, indent=1), encoding="utf-8")


def _listen(hook: Any, listener: Callable[..., None]) -> None:
    """Locust's `add_listener` is untyped: as a decorator it would untype every listener."""
    hook.add_listener(listener)


_listen(events.init_command_line_parser, _arguments)
_listen(events.init, _init)
_listen(events.test_start, _started)
_listen(events.test_stop, _stopped)
_listen(events.report_to_master, _report)
_listen(events.worker_report, _gather)
_listen(events.quitting, _write_summary)
_listen(events.cpu_warning, _cpu_warning)
