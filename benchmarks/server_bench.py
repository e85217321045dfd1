"""Part 1: requests/s and latency of each load on a running server, warm-up first."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import wrk
from .loads import build_loads, origin_and_prefix
from .servers import Target

STARTED = time.monotonic()
IDLE_WAIT_S = 20.0  # at most, for a server still working off the previous load's backlog
IDLE_CPU = 0.1  # a server using less than this share of a core is idle


@dataclass(frozen=True, slots=True)
class Timing:
    duration_s: int = wrk.DURATION_S
    warmup_s: int = wrk.WARMUP_S


@dataclass(frozen=True, slots=True)
class Row:
    server: str  # the label shown in the table ("reference", "reference, TCP_NODELAY"...)
    users: int
    load: str
    result: wrk.Result
    connections: int = wrk.CONNECTIONS


def elapsed() -> str:
    """Minutes:seconds since the benchmark started, for the progress lines."""
    seconds = int(time.monotonic() - STARTED)
    return f"[{seconds // 60:2d}:{seconds % 60:02d}]"


def write_script(folder: Path, name: str, load: wrk.Load) -> Path:
    """The Lua script, readable only by us: it carries the run's throw-away token."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.lua"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(wrk.lua_script(load))
    return path


def wait_idle(target: Target, limit_s: float = IDLE_WAIT_S, step_s: float = 0.25) -> float:
    """Wait until the server stops working (requests wrk gave up on may still be queued)."""
    started = time.monotonic()
    last = target.service.cpu_seconds()
    while time.monotonic() - started < limit_s:
        time.sleep(step_s)
        now = target.service.cpu_seconds()
        if now - last < IDLE_CPU * step_s:
            break
        last = now
    return time.monotonic() - started


def measure(
    target: Target,
    folder: Path,
    *,
    users: int,
    label: str | None = None,
    only: Iterable[str] | None = None,
    timing: Timing = Timing(),
    connections: int | None = None,
) -> list[Row]:
    """Each load (or those named in `only`), in order: a warm-up run on one connection, then
    the measured one on the load's connections (or `connections`)."""
    label = label or target.label
    origin, _ = origin_and_prefix(target.base_url)
    wanted = set(only) if only is not None else None
    rows: list[Row] = []
    for load in build_loads(target.base_url, target.token, target.ids, users):
        if wanted is not None and load.name not in wanted:
            continue
        slug = f"{label}-{users}-{load.name}-c{connections}".replace(" ", "_").replace(",", "")
        script = write_script(folder / "lua", slug, load)
        wait_idle(target)
        if timing.warmup_s:
            warmup = wrk.wrk_argv(origin, script, timing.warmup_s, connections=1)
            wrk.run(warmup, target.service.cpu_seconds)
            wait_idle(target)
        argv = wrk.wrk_argv(origin, script, timing.duration_s, connections or load.connections)
        result = wrk.run(argv, target.service.cpu_seconds)
        print(
            f"bench: {elapsed()} {label:<24} {users:>7} users {load.name:<17} "
            f"{result.rps:8.1f} req/s  "
            f"p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  errors {result.errors}",
            flush=True,
        )
        rows.append(Row(label, users, load.name, result, connections or load.connections))
    return rows
