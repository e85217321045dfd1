"""A server has deliberate faults only when built with them: else no fault API, no fault code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.reference import RunningServer

# Builds the application as a worker process does (`app_from_env`) and lists the fault modules
# loaded; the environment says whether the fault layer is wanted.
LOADED_FAULTS = (
    "import sys\n"
    "from reference_server.server import app_from_env\n"
    "app_from_env()\n"
    "print(sorted(m for m in sys.modules if m.startswith('reference_server.faults')))\n"
)


def test_a_server_built_without_faults_has_no_fault_api(server: RunningServer) -> None:
    app = server.app()
    assert app.get(f"{server.app_url}/faults", timeout=10).status_code == 404
    refused = app.put(f"{server.app_url}/faults", json={"faults": ["no-schemas"]}, timeout=10)
    assert refused.status_code == 404
    assert "detail" in server.scim().get(f"{server.url}/Users/nobody", timeout=10).json()


@pytest.mark.parametrize(
    ("faults_env", "loaded"), [(None, False), ("", True), ("no-schemas", True)]
)
def test_fault_code_is_loaded_only_for_the_fault_layer(
    tmp_path: Path, faults_env: str | None, loaded: bool
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SCIMCERT_SERVER_FAULTS"}
    env["SCIMCERT_SERVER_DB"] = f"sqlite:///{tmp_path / 's.db'}"
    if faults_env is not None:
        env["SCIMCERT_SERVER_FAULTS"] = faults_env
    done = subprocess.run(
        [sys.executable, "-c", LOADED_FAULTS], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert ("reference_server.faults.injection" in done.stdout) is loaded, done.stdout
    assert (done.stdout.strip() != "[]") is loaded, done.stdout
