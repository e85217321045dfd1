"""The run-wide side of the Locust process: options, stopping, the tally's trip to the master,
and the summary the harness reads. Imported by `locustfile.py`; like it, only in Locust's process.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import gevent
from locust import events
from locust.env import Environment
from locust.runners import STATE_RUNNING, MasterRunner, Runner, WorkerRunner

from harness.load.tally import Tally
from mock_idp import dialects
from mock_idp.directory import Directory
from mock_idp.profile import all_profiles

WATCH_INTERVAL_S = 0.2
TALLY = Tally()
RUN: dict[str, Any] = {"stopped_by": "duration"}  # what the summary says of the run


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


def _started(environment: Environment, **_: Any) -> None:
    RUN.setdefault("started", time.time())
    RUN.setdefault("clock", time.perf_counter())
    if isinstance(environment.runner, MasterRunner):  # counted now: they leave before the end
        RUN["workers"] = len(environment.runner.clients.ready)


def _stopped(**_: Any) -> None:
    RUN["stopped"] = time.time()


def _report(data: dict[str, Any], **_: Any) -> None:
    data["scimcert"] = TALLY.drain()


def _gather(data: Mapping[str, Any], **_: Any) -> None:
    TALLY.merge(data.get("scimcert", {}))


def _write_summary(environment: Environment, **_: Any) -> None:
    path = options_of(environment).scim_summary
    if isinstance(environment.runner, WorkerRunner) or not path:
        return
    kept = {key: value for key, value in RUN.items() if key != "clock"}
    summary = {"workers": 0, **kept, "tally": TALLY.to_dict()}
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
