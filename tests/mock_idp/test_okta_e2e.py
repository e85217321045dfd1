"""`scimcert run --idp okta` against the reference server: both Okta dialects pass end to end.

The Okta pack (tag `okta`) and the app's lifecycle scenarios (tag `app`), under `okta-oin` and
`okta-aiw`, with the app probe: the runs the fault tests expect to pass without a fault.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.reference import APP_TOKEN, SCIM_TOKEN, RunningServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_okta_scenarios_pass_under_both_dialects(
    server_factory: Callable[..., RunningServer], tmp_path: Path
) -> None:
    # A server of its own: the SPEC suite reads whatever user the server lists first, and the
    # shared test server holds other tests' bare users (okta.md 5: "a realistic user exists").
    server = server_factory(name="okta-e2e.db")
    env = {**os.environ, "SCIM_TOKEN": SCIM_TOKEN, "SCIM_APP_TOKEN": APP_TOKEN}
    command = [
        sys.executable,
        "-m",
        "harness.cli.main",
        "run",
        "--idp",
        "okta",
        "--tags",
        "okta,app",
        "--url",
        server.url,
        "--app-url",
        server.app_url,
        "--report-dir",
        str(tmp_path),
        "--fail-on",
        "warn",
        "--json",
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    items = {r["item"] for r in records if r["event"] == "ItemFinished"}
    for scenario in ("okta/spec-test", "okta/crud-test", "okta/group-push", "okta/rate-limit"):
        assert {f"{scenario}[okta-oin]", f"{scenario}[okta-aiw]"} <= items
    assert "okta/import[okta-oin]" in items
    assert "okta/entitlements-test[okta-oin]" in items  # /Roles, paged as Okta's test pages it
    assert "lifecycle/member-lifecycle[okta-aiw]" in items
    outcomes = {r["outcome"] for r in records if r["event"] == "ItemFinished"}
    assert outcomes == {"PASS"}
