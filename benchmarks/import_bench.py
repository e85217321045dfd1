"""Part 3 driver: one `benchmarks.import_run` process per population, against the reference server.

A fresh process per run, so each peak (tracemalloc, RSS) belongs to that import alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

from .processes import clean_env
from .servers import Target

IMPORT_BUDGET_S = 45.0  # per import: the 100,000-user one may stop early (reported)


@dataclass(frozen=True, slots=True)
class ImportRun:
    users: int
    complete: bool
    seconds: float
    pages: int
    bytes: int
    total_results: int | None
    peak_traced_bytes: int
    rss_growth_kib: int
    cpu_seconds: float  # the importing process's own CPU during the import (user + system)

    @property
    def bytes_per_page(self) -> float:
        return self.bytes / self.pages if self.pages else 0.0


def run_import(target: Target, budget_s: float = IMPORT_BUDGET_S) -> ImportRun:
    argv = [
        sys.executable,
        "-m",
        "benchmarks.import_run",
        "--url",
        target.base_url,
        "--budget",
        str(budget_s),
    ]
    env = clean_env(SCIM_TOKEN=target.token)
    proc = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=budget_s + 120, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"import failed ({proc.returncode}): {proc.stderr[-2000:]}")
    raw = json.loads(proc.stdout.strip().splitlines()[-1])
    run = ImportRun(
        users=target.users,
        complete=bool(raw["complete"]),
        seconds=float(raw["seconds"]),
        pages=int(raw["pages"]),
        bytes=int(raw["bytes"]),
        total_results=raw["total_results"],
        peak_traced_bytes=int(raw["peak_traced_bytes"]),
        rss_growth_kib=int(raw["rss_growth_kib"]),
        cpu_seconds=float(raw["cpu_seconds"]),
    )
    print(
        f"bench: import of {run.users} users: {run.seconds:.1f} s, {run.pages} pages"
        f"{'' if run.complete else ' (stopped by its time budget)'}, "
        f"peak traced {run.peak_traced_bytes / 1024:.0f} KiB",
        flush=True,
    )
    return run
