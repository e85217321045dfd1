"""Real runs for the report tests: `scimcert run` against the reference server, once per session.

The scenarios under `scenarios/` fail, warn, skip, error and pass on purpose, and `baseline.yaml`
expects one failure, so a single run exercises every part of every report.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.paths import ROOT, TESTS
from tests.support.reference import APP_TOKEN, SCIM_TOKEN, RunningServer

SCENARIOS = TESTS / "reports" / "scenarios"
BASELINE = TESTS / "reports" / "baseline.yaml"
_RUNS: dict[str, ReportRun] = {}


@dataclass(frozen=True)
class ReportRun:
    report_dir: Path
    returncode: int
    stdout: str
    stderr: str

    def text(self, name: str) -> str:
        return (self.report_dir / name).read_text(encoding="utf-8")


def scimcert(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SCIM_TOKEN": SCIM_TOKEN, "SCIM_APP_TOKEN": APP_TOKEN}
    return subprocess.run(
        [sys.executable, "-m", "harness.cli.main", *args],
        capture_output=True,
        text=True,
        env={**environment, **(env or {})},
        timeout=300,
        cwd=ROOT,
    )


def failing_run(server: RunningServer, factory: pytest.TempPathFactory) -> ReportRun:
    """The fixture scenarios against the shared reference server, run once per session.

    Under xdist the first worker to ask runs it, in the folder the workers share, and the others
    wait for it and read its files: one run of ~1 minute instead of one per worker.
    """
    if "failing" not in _RUNS:
        root = factory.getbasetemp()
        if os.environ.get("PYTEST_XDIST_WORKER"):
            root = root.parent
        _RUNS["failing"] = _once(root / "failing-run", lambda folder: _failing(server, folder))
    return _RUNS["failing"]


def _failing(server: RunningServer, report_dir: Path) -> ReportRun:
    done = scimcert(
        "run",
        "--url",
        server.url,
        "--app-url",
        server.app_url,
        "--idp",
        "rfc",
        "--scenarios",
        str(SCENARIOS),
        "--baseline",
        str(BASELINE),
        "--report-dir",
        str(report_dir),
    )
    return ReportRun(report_dir, done.returncode, done.stdout, done.stderr)


def _once(folder: Path, make: Callable[[Path], ReportRun]) -> ReportRun:
    """`make(folder)` under a lock, unless a process sharing `folder` already made it."""
    done = folder.with_name(f"{folder.name}.json")
    descriptor = os.open(f"{folder}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        if done.is_file():
            saved = json.loads(done.read_text(encoding="utf-8"))
            return ReportRun(folder, saved["returncode"], saved["stdout"], saved["stderr"])
        run = make(folder)
        record = {"returncode": run.returncode, "stdout": run.stdout, "stderr": run.stderr}
        done.write_text(json.dumps(record), encoding="utf-8")
        return run
    finally:
        os.close(descriptor)  # releases the lock
