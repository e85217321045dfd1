"""Settings: flags over SCIMCERT_* over [tool.scimcert]; bad settings are usage errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli.config import ConfigError, defaults
from tests.support.paths import ROOT


def write_pyproject(folder: Path, body: str) -> None:
    (folder / "pyproject.toml").write_text(f"[tool.scimcert]\n{body}", encoding="utf-8")


def test_environment_overrides_pyproject(tmp_path: Path) -> None:
    write_pyproject(tmp_path, 'url = "http://a.test/scim"\nworkers = 2\n')
    found = defaults(tmp_path, {"SCIMCERT_URL": "http://b.test/scim"})
    assert found == {"url": "http://b.test/scim", "workers": 2}


@pytest.mark.parametrize(
    ("body", "message"),
    [("colour = 1\n", "unknown setting 'colour'"), ('workers = "many"\n', "workers")],
)
def test_bad_settings_are_named(tmp_path: Path, body: str, message: str) -> None:
    write_pyproject(tmp_path, body)
    with pytest.raises(ConfigError, match=message):
        defaults(tmp_path, {})


def test_flags_override_settings_and_bad_settings_exit_2(tmp_path: Path) -> None:
    write_pyproject(tmp_path, 'url = "ftp://from-pyproject"\n')
    env = {**os.environ, "SCIM_TOKEN": "t", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "harness.cli.main", "run", "--list", "--tags", "users"]
    from_file = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert from_file.returncode == 2 and "ftp://from-pyproject" in from_file.stderr
    overridden = subprocess.run(
        [*command, "--url", "http://127.0.0.1:9/scim"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert overridden.returncode == 0, overridden.stderr
    write_pyproject(tmp_path, "nonsense = 1\n")
    broken = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert broken.returncode == 2 and "unknown setting 'nonsense'" in broken.stderr
