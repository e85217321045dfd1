"""End to end: the Entra, OneLogin and Ping profiles pass their scenarios on the reference server.

One `scimcert run` (a child process, as a vendor runs it) with the app probe, over the Entra,
OneLogin and Ping packs and the product lifecycle. The IdP-neutral packs (`core/`, `checks/`)
run under these profiles in the project's full run (tests/harness/cli/test_run.py); they are
left out here to keep this test short.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.reference import (
    APP_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    SCIM_TOKEN,
    RunningServer,
    run_argv,
)

ROOT = Path(__file__).resolve().parents[2]
PROFILES = "entra,entra-2020,entra-validator,onelogin,ping"
PACKS = ("entra", "onelogin", "ping", "lifecycle")


def _scenarios(into: Path) -> Path:
    """The packs these profiles are about, copied as they are into one scenarios folder."""
    for pack in PACKS:
        shutil.copytree(ROOT / "scenarios" / pack, into / pack)
    return into


@pytest.mark.slow
def test_the_entra_onelogin_and_ping_profiles_pass_on_the_reference_server(
    server: RunningServer, tmp_path: Path
) -> None:
    # The token endpoint too: Microsoft's gallery validation tests it (entra/gallery).
    environment = {
        **os.environ,
        "SCIM_TOKEN": SCIM_TOKEN,
        "SCIM_APP_TOKEN": APP_TOKEN,
        "SCIM_CLIENT_SECRET": CLIENT_SECRET,
    }
    command = run_argv(
        server,
        tmp_path / "report",
        "--token-url",
        server.token_url,
        "--client-id",
        CLIENT_ID,
        "--idp",
        PROFILES,
        "--scenarios",
        str(_scenarios(tmp_path / "scenarios")),
    )
    done = subprocess.run(
        command, capture_output=True, text=True, env=environment, cwd=ROOT, timeout=300
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    records = [
        json.loads(line)
        for line in (tmp_path / "report" / "results.jsonl").read_text().splitlines()
    ]
    finished = [r for r in records if r["event"] == "ItemFinished"]
    profiles = {str(r["profile"]) for r in finished}
    assert profiles == set(PROFILES.split(","))
    ran = {str(r["scenario"]) for r in finished}
    assert {"entra/groups", "onelogin/groups", "lifecycle/reactivate-resets-role"} <= ran
    assert all(r["outcome"] in ("PASS", "WARN") for r in finished)
