"""The wheel carries everything `scimcert serve` needs: code and package data (schemas)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def _build_wheel(out: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("scimcert-*.whl")
    return wheel


def _fresh_env(path: Path, wheel: Path) -> Path:
    """A new virtualenv with the wheel installed; its dependencies are borrowed read-only.

    Borrowing the dependencies keeps the test off the network; the product itself comes only
    from the wheel, since the borrowed directory is appended after the env's own site-packages.
    """
    venv.create(path, with_pip=True)
    python = path / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return path / "bin"


@pytest.mark.slow
def test_wheel_contains_the_schemas(tmp_path: Path) -> None:
    names = zipfile.ZipFile(_build_wheel(tmp_path)).namelist()
    for schema in ("User.json", "EnterpriseUser.json", "Group.json", "Common.json"):
        assert f"reference_server/scim/schemas/{schema}" in names


@pytest.mark.slow
def test_installed_wheel_serves(tmp_path: Path) -> None:
    bin_dir = _fresh_env(tmp_path / "env", _build_wheel(tmp_path / "dist"))
    env = {**os.environ, "SCIM_TOKEN": "wheel-token", "SCIM_APP_TOKEN": "wheel-app-token"}
    process = subprocess.Popen(
        [str(bin_dir / "scimcert"), "serve", "--port", "0", "--db", f"sqlite:///{tmp_path}/w.db"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=tmp_path,  # not the checkout, so nothing is imported from the source tree
    )
    try:
        assert process.stdout is not None
        # The banner names the OAuth client first, then the SCIM API URL.
        lines = iter(process.stdout.readline, "")
        banner = next(line for line in lines if line.startswith("SCIM API URL: "))
        url = banner.removeprefix("SCIM API URL: ").strip()
        assert url.startswith("http://127.0.0.1:"), url
        schemas = requests.get(f"{url}/Schemas", timeout=10).json()
        assert schemas["totalResults"] == 3  # User, EnterpriseUser, Group (Role: --entitlements)
        origin = subprocess.run(
            [
                str(bin_dir / "python"),
                "-c",
                "import reference_server; print(reference_server.__file__)",
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=tmp_path,
        ).stdout
        assert str(tmp_path / "env") in origin
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
