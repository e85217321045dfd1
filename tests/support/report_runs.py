"""Real runs for the report tests: `scimcert run` against the reference server, once per session.

The scenarios under `scenarios/` fail, warn, skip, error and pass on purpose, and `baseline.yaml`
expects one failure, so a single run exercises every part of every report.
"""

from __future__ import annotations

import os
import subprocess
import sys
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
    """The fixture scenarios against the shared reference server, run once per session."""
    if "failing" not in _RUNS:
        report_dir = factory.mktemp("failing-run")
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
        _RUNS["failing"] = ReportRun(report_dir, done.returncode, done.stdout, done.stderr)
    return _RUNS["failing"]
