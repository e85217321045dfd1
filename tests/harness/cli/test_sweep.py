"""`scimcert sweep` removes only what carries the run's marker."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.paths import ROOT
from tests.support.reference import SCIM_TOKEN, RunningServer

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def test_sweep_deletes_the_runs_resources_and_nothing_else(server: RunningServer) -> None:
    session = server.scim()
    mine = [
        session.post(
            f"{server.url}/Users",
            json={"schemas": [USER], "userName": f"scimcert-sweep01-u{n}@x.test"},
        ).json()["id"]
        for n in range(3)
    ]
    group = session.post(
        f"{server.url}/Groups", json={"schemas": [GROUP], "displayName": "scimcert-sweep01-g"}
    ).json()["id"]
    other = session.post(
        f"{server.url}/Users", json={"schemas": [USER], "userName": "scimcert-sweep02-keep@x.test"}
    ).json()["id"]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness.cli.main",
            "sweep",
            "--url",
            server.url,
            "--run-id",
            "sweep01",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "SCIM_TOKEN": SCIM_TOKEN},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Users: 3 found" in result.stdout and "Groups: 1 found" in result.stdout
    for user_id in mine:
        assert session.get(f"{server.url}/Users/{user_id}").status_code == 404
    assert session.get(f"{server.url}/Groups/{group}").status_code == 404
    assert session.get(f"{server.url}/Users/{other}").status_code == 200
