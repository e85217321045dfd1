"""`scimcert replay` run as a user runs it, in its own process, with what it printed and wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.reference import SCIM_TOKEN, RunningServer

TIMEOUT = 180


@dataclass(frozen=True)
class Replayed:
    code: int
    summary: dict[str, Any]
    records: list[dict[str, Any]]
    output: str


def _env() -> dict[str, str]:
    return {**os.environ, "SCIM_TOKEN": SCIM_TOKEN}


def scimcert(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli.main", *args],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=TIMEOUT,
        check=False,
    )


def replay(recording: Path, server: RunningServer, report: Path) -> Replayed:
    done = scimcert(
        "replay", str(recording), "--url", server.url, "--report-dir", str(report), "--json"
    )
    lines = (report / "results.jsonl").read_text("utf-8").splitlines()
    summary = json.loads(done.stdout.strip().splitlines()[-2])  # the last line names the file
    return Replayed(done.returncode, summary, [json.loads(line) for line in lines], done.stdout)
