"""The robustness pack bites a server that breaks it. (That it passes against the reference
server is part of `tests/harness/cli/test_run.py`'s full run, which includes every pack.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.support.reference import SCIM_TOKEN, RunningServer

ROOT = Path(__file__).resolve().parents[2]


def run_pack(url: str, report_dir: Path, scenarios: Path) -> tuple[int, list[dict[str, object]]]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness.cli.main",
            "run",
            "--url",
            url,
            "--tags",
            "robustness",
            "--scenarios",
            str(scenarios),
            "--report-dir",
            str(report_dir),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "SCIM_TOKEN": SCIM_TOKEN},
    )
    lines = (report_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return result.returncode, [json.loads(line) for line in lines]


def test_the_pack_fails_a_server_that_serves_without_credentials(
    server_factory: Callable[..., RunningServer], tmp_path: Path
) -> None:
    broken = server_factory("--fault", "auth-not-enforced")
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    shutil.copy(ROOT / "scenarios" / "robustness" / "auth.yaml", scenarios)
    code, records = run_pack(broken.url, tmp_path / "report", scenarios)
    failed = {
        str(r["check"]) for r in records if r["event"] == "CheckEvaluated" and not r["passed"]
    }
    assert code == 1
    assert "robustness-auth-refused" in failed
