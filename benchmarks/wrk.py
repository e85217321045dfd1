"""Load from `wrk` (Debian's package): Lua scripts that cycle through requests, and the results.

Each load is one Lua script: a list of paths the requests cycle through (ids, userNames, page
starts), one method, fixed headers and body, and a `done` hook that prints the summary as one
JSON line (`WRK_RESULT {...}`), so nothing is scraped from wrk's human output.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

RESULT_PREFIX = "WRK_RESULT "
THREADS = 1  # one core for the client, one for the server: they share two
CONNECTIONS = 8
DURATION_S = 5
WARMUP_S = 1
TIMEOUT_S = 10

DONE_HOOK = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%.0f,"duration_us":%.0f,"bytes":%.0f,"p50_us":%.0f,"p90_us":%.0f,' ..
    '"p99_us":%.0f,"max_us":%.0f,"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,' ..
    '"timeout":%.0f}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, e.connect, e.read, e.write,
    e.status, e.timeout))
end
"""


@dataclass(frozen=True, slots=True)
class Load:
    """What one wrk run sends: `method` on each of `paths` in turn."""

    name: str
    method: str
    paths: Sequence[str]
    headers: Mapping[str, str]
    body: str | None = None
    connections: int = CONNECTIONS


@dataclass(frozen=True, slots=True)
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors plus non-2xx/3xx answers
    client_cpu: float  # wrk's CPU seconds / wall seconds (1.0 = one full core)
    server_cpu: float  # the server's CPU seconds / wall seconds
    other_cpu: float = 0.0  # every other process on the machine, same unit

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def lua_string(value: str) -> str:
    """A Lua string literal: printable ASCII as is, everything else as decimal escapes."""
    out: list[str] = []
    for char in value:
        if char in '"\\' or not (" " <= char <= "~"):
            out.extend(f"\\{byte}" for byte in char.encode())
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def lua_script(load: Load) -> str:
    if not load.paths:
        raise ValueError(f"load {load.name!r} has no paths")
    paths = ",\n  ".join(lua_string(path) for path in load.paths)
    headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in load.headers.items())
    body = lua_string(load.body) if load.body is not None else "nil"
    return (
        f"local paths = {{\n  {paths}\n}}\n"
        f"local headers = {{{headers}}}\n"
        f"local body = {body}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        f"  return wrk.format({lua_string(load.method)}, paths[i], headers, body)\n"
        "end\n" + DONE_HOOK
    )


def wrk_argv(url: str, script: Path, duration_s: int, connections: int = CONNECTIONS) -> list[str]:
    return [
        "wrk",
        f"-t{THREADS}",
        f"-c{connections}",
        f"-d{duration_s}s",
        f"--timeout={TIMEOUT_S}s",
        "--latency",
        "-s",
        str(script),
        url,
    ]


def ensure_wrk() -> str:
    """wrk's path; installed from Debian (`apt-get update` first) when it is not on PATH."""
    found = shutil.which("wrk")
    if found:
        return found
    print("bench: wrk is missing; installing it with apt-get", flush=True)
    for argv in (["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]):
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("apt-get install wrk did not put wrk on PATH")
    return found


def parse_result(output: str) -> dict[str, float]:
    for line in output.splitlines():
        if line.startswith(RESULT_PREFIX):
            parsed: dict[str, float] = json.loads(line[len(RESULT_PREFIX) :])
            return parsed
    raise ValueError(f"wrk printed no {RESULT_PREFIX.strip()} line:\n{output[-2000:]}")


def machine_busy_seconds() -> float:
    """CPU seconds every core spent busy since boot (/proc/stat, all but idle and iowait)."""
    try:
        first = Path("/proc/stat").read_text(encoding="ascii").splitlines()[0]
        fields = [int(value) for value in first.split()[1:]]
    except (OSError, ValueError):
        return 0.0
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], server_cpu: Callable[[], float]) -> Result:
    """Run wrk once; the client's CPU is wrk's own rusage, the server's read around the run."""
    busy_before = machine_busy_seconds()
    cpu_before, server_before, started = _children_cpu(), server_cpu(), time.monotonic()
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)
    wall = time.monotonic() - started
    client, server = _children_cpu() - cpu_before, server_cpu() - server_before
    other = max(machine_busy_seconds() - busy_before - client - server, 0.0)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    raw = parse_result(proc.stdout)
    seconds = raw["duration_us"] / 1e6
    errors = sum(int(raw[key]) for key in ("connect", "read", "write", "status", "timeout"))
    return Result(
        requests=int(raw["requests"]),
        seconds=seconds,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        errors=errors,
        client_cpu=client / wall,
        server_cpu=server / wall,
        other_cpu=other / wall,
    )
