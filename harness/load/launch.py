"""Start headless Locust in a child process, bounded in time, and say where its output went.

A child process because Locust monkey-patches the standard library with gevent on import: the
harness (and any reference server a test runs in the same interpreter) must never see that.
"""

from __future__ import annotations

import math
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from harness.load.options import CLIENTS, LOOPBACK, LoadSettings

STARTUP_GRACE_S = 30.0  # importing Locust and the profiles, connecting workers
SHUTDOWN_GRACE_S = 30.0  # stopping users, gathering the last worker reports, writing files
# Users are all started at once (Locust warns above 100/s); pacing then spreads their requests.
SPAWN_RATE = 100
# Each user stops by itself when its window of --duration seconds closes (a worker's starts when
# the master's word reaches it); Locust's --run-time is only the backstop, this much later.
RUN_TIME_GRACE_S = 3


def locustfile() -> str:
    return str(resources.files("harness.load").joinpath("locustfile.py"))


@dataclass(frozen=True)
class Artifacts:
    """The files one load writes, all in its own folder so no earlier run is overwritten."""

    folder: Path

    @property
    def csv_prefix(self) -> Path:
        return self.folder / "locust"

    @property
    def stats_csv(self) -> Path:
        return self.folder / "locust_stats.csv"

    @property
    def html(self) -> Path:
        return self.folder / "locust.html"

    @property
    def summary(self) -> Path:
        return self.folder / "tally.json"

    @property
    def log(self) -> Path:  # Locust's own log and its summary table (stderr and stdout)
        return self.folder / "locust.log"


def _scim_options(settings: LoadSettings, artifacts: Artifacts) -> list[str]:
    options = {
        "idp": settings.idp,
        "mix": settings.mix.text(),
        "user-rate": f"{settings.rate / settings.users:.6f}",
        "users": str(settings.users),
        "duration": str(settings.duration),
        "max-requests": str(settings.max_requests),
        "seed": str(settings.seed),
        "prefix": settings.prefix,
        "auth": settings.auth_mode,
        "token-url": settings.token_url or "",
        "client-id": settings.client_id or "",
        "timeout": str(settings.timeout),
        "verify": settings.verify,
        "summary": str(artifacts.summary),
        "client": settings.client,
        "group-size": str(settings.group_size),
    }
    return [part for name, value in options.items() for part in (f"--scim-{name}", value)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _local_processes(settings: LoadSettings) -> list[str]:
    """`--processes N`: Locust forks N workers under a master of its own, on loopback only and
    on a free port (its default, 5557 on every interface, would meet any other load's)."""
    port = str(_free_port())
    return [
        "--processes",
        str(settings.processes),
        "--master-bind-host",
        LOOPBACK,
        "--master-bind-port",
        port,
        "--master-host",
        LOOPBACK,
        "--master-port",
        port,
        "--expect-workers-max-wait",
        str(int(STARTUP_GRACE_S)),
    ]


def leader_command(settings: LoadSettings, artifacts: Artifacts) -> list[str]:
    """A local run, or the master of a distributed one: it holds the statistics."""
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        locustfile(),
        CLIENTS[settings.client],
        "--headless",
        "--only-summary",
        "--host",
        settings.url,
        "--users",
        str(settings.users),
        "--spawn-rate",
        str(SPAWN_RATE),
        "--run-time",
        f"{settings.duration + RUN_TIME_GRACE_S}s",
        "--csv",
        str(artifacts.csv_prefix),
        "--html",
        str(artifacts.html),
        "--exit-code-on-error",
        "0",
        "--stop-timeout",
        str(math.ceil(settings.timeout)),
    ]
    if settings.master:
        command += [
            "--master",
            "--master-bind-host",
            settings.master_bind_host,
            "--master-bind-port",
            str(settings.master_port),
            "--expect-workers",
            str(settings.expect_workers),
            "--expect-workers-max-wait",
            str(int(STARTUP_GRACE_S)),
        ]
    elif settings.processes:
        command += _local_processes(settings)
    return command + _scim_options(settings, artifacts)


def worker_command(settings: LoadSettings) -> list[str]:
    """A worker takes its users, rate and options from the master; `--processes N` makes this
    machine N workers (the master's --expect-workers counts them all)."""
    processes = ["--processes", str(settings.processes)] if settings.processes else []
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        locustfile(),
        "--worker",
        "--master-host",
        settings.master_host,
        "--master-port",
        str(settings.master_port),
        *processes,
    ]


def deadline(settings: LoadSettings) -> float:
    """The most a load may take: the last requests are given their --timeout to be answered."""
    grace = STARTUP_GRACE_S + RUN_TIME_GRACE_S + SHUTDOWN_GRACE_S
    return settings.duration + settings.timeout + grace


def run(command: list[str], seconds: float, log: Path | None) -> int | None:
    """The child's exit code, or None if it overran `seconds` (it is then killed)."""
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    output = log.open("a", encoding="utf-8") if log is not None else None
    try:
        return subprocess.run(
            command, stdout=output, stderr=output, env=environment, timeout=seconds, check=False
        ).returncode
    except subprocess.TimeoutExpired:
        return None
    finally:
        if output is not None:
            output.close()
