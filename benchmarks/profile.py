"""Where a server's time goes under one load: py-spy samples it while wrk drives the load.

py-spy (in `.venv-bench/tools`) records raw folded stacks of the server process; the samples
are split by the package of their innermost frame (SQLite itself, SQLAlchemy, the reference
server's own code, Starlette, uvicorn/h11/asyncio, json...), and the reference server's own
functions are ranked by inclusive share. Profiled runs are separate from the measured ones.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import venvs, wrk
from .loads import build_loads, origin_and_prefix
from .server_bench import write_script
from .servers import Target

SAMPLE_RATE = 100
WRAPPERS = ("reference_server/__main__.py", "reference_server/server.py", "reference_server/app.py")
CATEGORIES = (
    ("SQLite (query execution)", ("DefaultDialect.do_execute", "do_commit", "do_rollback")),
    ("SQLAlchemy (statement building, results)", ("sqlalchemy/",)),
    ("reference_server code", ("reference_server/",)),
    ("Starlette", ("starlette/",)),
    ("uvicorn, h11, asyncio, sockets", ("uvicorn/", "h11/", "asyncio/", "selectors.py")),
    ("json", ("json/",)),
    ("logging", ("logging/",)),
)


@dataclass(frozen=True, slots=True)
class Profile:
    server: str
    users: int
    load: str
    samples: int
    categories: list[tuple[str, float]]  # (category, share of samples)
    hottest: list[tuple[str, float]]  # own functions, inclusive share
    category_heading: str = "innermost frame in"
    own_heading: str = "reference server function (inclusive)"


def parse_raw(text: str) -> list[tuple[list[str], int]]:
    """py-spy's raw format: `frame;frame;...;leaf count` per line."""
    stacks = []
    for line in text.splitlines():
        stack, _, count = line.rstrip().rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


def categorize(leaf: str) -> str:
    for name, markers in CATEGORIES:
        if any(marker in leaf for marker in markers):
            return name
    return "other (stdlib, interpreter)"


def function_of(frame: str) -> str:
    """`func (path/file.py:123)` without the line: one entry per function."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit(':', 1)[0]})" if where else name


def summarize(
    stacks: list[tuple[list[str], int]], top: int = 8
) -> tuple[int, list[tuple[str, float]], list[tuple[str, float]]]:
    """(samples, share by category of the innermost frame, hottest own functions).

    Own functions are the reference server's, ranked by inclusive share, less the wrappers
    every request passes through (the serve command, the middlewares of `app.py`).
    """
    total = sum(count for _, count in stacks) or 1
    categories: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for frames, count in stacks:
        categories[categorize(frames[-1])] += count
        for function in {function_of(f) for f in frames if _own(f)}:
            own[function] += count
    shares = [(name, count / total) for name, count in categories.most_common()]
    ranked = [(f, count / total) for f, count in own.most_common(top)]
    return total, shares, ranked


def _own(frame: str) -> bool:
    return "reference_server/" in frame and not any(wrapper in frame for wrapper in WRAPPERS)


def profile_load(target: Target, folder: Path, *, users: int, load: str, seconds: int) -> Profile:
    """Sample the server with py-spy for `seconds` while wrk sends `load` a little longer."""
    chosen = next(
        x for x in build_loads(target.base_url, target.token, target.ids, users) if x.name == load
    )
    origin, _ = origin_and_prefix(target.base_url)
    script = write_script(folder / "lua", f"profile-{target.label}-{users}-{load}", chosen)
    raw = folder / f"profile-{target.label}-{users}-{load}.txt"
    driver = subprocess.Popen(
        wrk.wrk_argv(origin, script, seconds + 2),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        subprocess.run(
            [
                str(venvs.PROFILERS.bin("py-spy")),
                "record",
                "-p",
                str(target.service.proc.pid),
                "-d",
                str(seconds),
                "-r",
                str(SAMPLE_RATE),
                "-f",
                "raw",
                "-o",
                str(raw),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=seconds + 30,
        )
    finally:
        driver.wait(timeout=seconds + 30)
    samples, categories, hottest = summarize(parse_raw(raw.read_text()))
    return Profile(target.label, users, load, samples, categories, hottest)
