"""What the numbers were measured on: cores, memory, CPU, Python, and every package's version."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import subprocess
from pathlib import Path

PRODUCT_DISTS = (
    "scimcert",
    "starlette",
    "uvicorn",
    "httptools",
    "uvloop",
    "SQLAlchemy",
    "requests",
    "pytest",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError):
        pass
    return "unknown"


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def wrk_version() -> str:
    wrk = shutil.which("wrk") or "wrk"
    proc = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    first = (proc.stdout or proc.stderr).splitlines()
    return first[0].split(" [")[0] if first else "unknown"


def describe() -> dict[str, str]:
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "memory": _memory(),
        "cpu": _cpu_model(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": wrk_version(),
        "load_start": load_average(),
    }


def product_versions() -> dict[str, str]:
    found = {}
    for dist in PRODUCT_DISTS:
        try:
            found[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            found[dist] = "not installed"
    return found


def git_revision(root: Path) -> str:
    git = shutil.which("git") or "git"
    proc = subprocess.run(
        [git, "-C", str(root), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    dirty = subprocess.run(
        [git, "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    revision = proc.stdout.strip() or "unknown"
    return f"{revision} (with uncommitted changes)" if dirty else revision
