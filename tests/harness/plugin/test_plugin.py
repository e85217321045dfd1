"""The plugin works as plain pytest, inert without --scim-url, with -k, -n and --junitxml."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from tests.support.paths import ROOT
from tests.support.reference import APP_TOKEN, SCIM_TOKEN, RunningServer


def pytest_run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCIM_TOKEN": SCIM_TOKEN, "SCIM_APP_TOKEN": APP_TOKEN}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        cwd=cwd,
    )


def test_plain_pytest_gives_the_same_items_and_junit(server: RunningServer, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = pytest_run(
        str(ROOT / "scenarios"),
        "--scim-url",
        server.url,
        "--scim-app-url",
        server.app_url,
        "-k",
        "user and rfc",
        "-n",
        "2",
        "--junitxml",
        str(junit),
        "--scim-report-dir",
        str(tmp_path),
        "-c",
        str(ROOT / "harness" / "plugin" / "pytest-run.ini"),
        "--rootdir",
        str(ROOT / "scenarios"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    cases = ElementTree.parse(junit).getroot().iter("testcase")  # noqa: S314 - our own file
    names = {case.get("name") for case in cases}
    assert "core/user-lifecycle[rfc]" in names
    assert all(str(name).endswith("[rfc]") for name in names)
    assert (tmp_path / "results.jsonl").exists()


def test_the_plugin_is_inert_without_scim_url(tmp_path: Path) -> None:
    (tmp_path / "some.yaml").write_text("id: x\n", encoding="utf-8")
    (tmp_path / "test_plain.py").write_text("def test_ok():\n    assert True\n", encoding="utf-8")
    result = pytest_run(str(tmp_path), "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "1 passed" in result.stdout
