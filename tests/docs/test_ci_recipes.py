"""docs/ci: each recipe parses, and its shell steps certify the reference server when run here,
in order, as the CI server would run them (the install step aside: scimcert is installed)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ROOT / "docs" / "ci"
INSTALL = "pip install scimcert"
pytestmark = pytest.mark.slow


def _github_steps() -> list[str]:
    workflow = yaml.safe_load((RECIPES / "github-actions.yml").read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    return [step["run"] for step in job["steps"] if "run" in step]


def _gitlab_steps() -> list[str]:
    jobs = yaml.safe_load((RECIPES / "gitlab-ci.yml").read_text(encoding="utf-8"))
    (job,) = jobs.values()
    # GitLab runs a job's script lines in one shell, one after the other.
    return ["\n".join(str(line) for line in job["script"])]


def _jenkins_steps() -> list[str]:
    text = (RECIPES / "Jenkinsfile").read_text(encoding="utf-8")
    found = re.findall(r"sh '''(.*?)'''|sh '([^']*)'", text, re.S)
    return [block or line for block, line in found]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "scim-baseline.yaml").write_text("[]\n", encoding="utf-8")
    yield tmp_path
    pid = tmp_path / "scim-server.pid"
    if pid.exists():  # the recipes leave the server to the CI job's end; a test stops it
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid.read_text().strip()), signal.SIGTERM)


def _run_steps(steps: list[str], workspace: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCIM_", "SCIMCERT_"))}
    env.update(
        SCIM_TOKEN="ci-recipe-token",
        SCIM_APP_TOKEN="ci-recipe-app-token",
        SCIM_PORT=str(_free_port()),
        PATH=f"{Path(sys.executable).parent}:{env['PATH']}",
    )
    done = subprocess.CompletedProcess[str]([], 0, "", "")
    for step in steps:
        script = step.replace(INSTALL, "true  # scimcert is installed already")
        done = subprocess.run(
            ["/bin/bash", "-eo", "pipefail", "-c", script],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.mark.parametrize("steps", [_github_steps, _gitlab_steps, _jenkins_steps])
def test_a_recipe_certifies_the_reference_server(steps: object, workspace: Path) -> None:
    shell = steps()  # type: ignore[operator]
    assert any(INSTALL in step for step in shell)
    last = _run_steps(shell, workspace)
    assert '"status": "COMPLETE"' in last.stdout
    for name in ("index.html", "junit.xml", "report.html", "results.jsonl"):
        assert (workspace / "out" / "scim" / name).is_file()
    assert "ci-recipe-token" not in (workspace / "out" / "scim" / "results.jsonl").read_text()
