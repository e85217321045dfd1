"""Peers installed from PyPI into their own virtualenvs under `.venv-bench/`, never the product's.

A venv is reused while its stamp matches (same requirement, same Python); `--upgrade` takes the
newest releases. The installed versions are read back and recorded in RESULTS.md.
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_ROOT = ROOT / ".venv-bench"
VERSIONS_CODE = (
    "import importlib.metadata as m, json, sys; "
    "print(json.dumps({d: m.version(d) for d in sys.argv[1:]}))"
)


class InstallError(Exception):
    """pip or venv failed; the message carries their output."""


@dataclass(frozen=True, slots=True)
class Peer:
    name: str  # the venv folder under .venv-bench/
    requirements: tuple[str, ...]
    dists: tuple[str, ...]  # distributions whose versions are recorded
    executable: str

    @property
    def venv(self) -> Path:
        return VENV_ROOT / self.name

    def bin(self, name: str | None = None) -> Path:
        return self.venv / "bin" / (name or self.executable)


SCIM2_SERVER = Peer(
    "scim2-server", ("scim2-server",), ("scim2-server", "scim2-models"), "scim2-server"
)
SCIM2_CLI = Peer(
    "scim2-cli",
    ("scim2-cli",),
    ("scim2-cli", "scim2-tester", "scim2-client", "scim2-models"),
    "scim2",
)
SCIM_SANITY = Peer("scim-sanity", ("scim-sanity",), ("scim-sanity",), "scim-sanity")
PROFILERS = Peer("tools", ("py-spy", "pyinstrument"), ("py-spy", "pyinstrument"), "py-spy")


def _run(argv: list[str], what: str) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise InstallError(f"{what} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def ensure(peer: Peer, upgrade: bool = False) -> dict[str, str]:
    """Create or reuse the peer's venv; the versions of its recorded distributions."""
    stamp = peer.venv / ".bench-stamp.json"
    want = {"requirements": list(peer.requirements), "python": platform.python_version()}
    try:
        state = json.loads(stamp.read_text())
    except (OSError, ValueError):
        state = {}
    fresh = state.get("want") == want and peer.bin().exists()
    if fresh and not upgrade:
        return dict(state["versions"])
    if not fresh:
        shutil.rmtree(peer.venv, ignore_errors=True)
        print(f"bench: installing {' '.join(peer.requirements)} into {peer.venv}", flush=True)
        _run([sys.executable, "-m", "venv", str(peer.venv)], f"creating {peer.venv}")
    pip = [str(peer.bin("python")), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    _run([*pip, "--upgrade", *peer.requirements], f"installing {peer.name}")
    versions = json.loads(
        _run([str(peer.bin("python")), "-c", VERSIONS_CODE, *peer.dists], "reading versions")
    )
    stamp.write_text(json.dumps({"want": want, "versions": versions}, indent=2) + "\n")
    return {str(key): str(value) for key, value in versions.items()}
