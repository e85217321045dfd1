"""The third-party SCIM servers `make crosscheck` grades, and how each is installed and started.

Every server comes from a registry by name at a pinned version, into its own environment under
.venv-crosscheck/<name>/ (a virtualenv for PyPI, an npm prefix for npm), and listens on a free
loopback port with in-memory or throw-away SQLite storage. Where a package is a library rather
than a command, tools/crosscheck_servers/ holds the few lines its README asks of an application
(settings, URL mount, storage callbacks, the bearer check): nothing of the SCIM protocol.
"""

from __future__ import annotations

import json
import shutil
import socket
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import requests
from conformance import ROOT, Server, SetupError, _run

VENV_ROOT = ROOT / ".venv-crosscheck"
GLUE = ROOT / "tools" / "crosscheck_servers"
START_TIMEOUT = 60.0
VERSIONS = (
    "import importlib.metadata as m, json, sys; "
    "print(json.dumps({d: m.version(d) for d in sys.argv[1:]}))"
)

Launch = Callable[[Path, int, str], list[str]]  # (home, port, token) -> argv


@dataclass(frozen=True)
class Target:
    """One server: where it comes from, how it starts, where its SCIM base is."""

    name: str  # section title, out/crosscheck/<name>/ and .venv-crosscheck/<name>/
    registry: str  # "PyPI" or "npm"
    pins: tuple[str, ...]  # exact requirements, as pip or npm takes them
    dists: tuple[str, ...]  # whose installed versions the document records
    base_path: str  # the SCIM base below http://127.0.0.1:PORT
    launch: Launch
    shown: str  # the start command as the document shows it (PORT, $SCIM_TOKEN)
    about: str  # what the server is, for the document
    prepare: Launch | None = None  # run once before the start (migrations)
    script: str | None = None  # a file of tools/crosscheck_servers/ copied into an npm home

    @property
    def home(self) -> Path:
        return VENV_ROOT / self.name


def _django(home: Path, site: str, *args: str) -> list[str]:
    admin = str(home / "bin" / "django-admin")
    return [admin, *args, "--settings", site, "--pythonpath", str(GLUE)]


def _django_target(
    name: str, pins: tuple[str, ...], dists: tuple[str, ...], site: str, about: str
) -> Target:
    return Target(
        name=name,
        registry="PyPI",
        pins=pins,
        dists=dists,
        base_path="/scim/v2",
        # Django's own server, threaded; --noreload so that stopping it stops the server.
        launch=lambda home, port, _token: _django(
            home, site, "runserver", f"127.0.0.1:{port}", "--noreload"
        ),
        prepare=lambda home, _port, _token: _django(home, site, "migrate", "--run-syncdb", "-v0"),
        shown=(
            f"export PORT SCIM_TOKEN CROSSCHECK_DB=$(mktemp -d)/db.sqlite3\n"
            f"django-admin migrate --run-syncdb --settings {site} "
            "--pythonpath tools/crosscheck_servers\n"
            f"django-admin runserver 127.0.0.1:$PORT --noreload --settings {site} "
            "--pythonpath tools/crosscheck_servers"
        ),
        about=about,
    )


TARGETS: tuple[Target, ...] = (
    Target(
        name="scim2-server",
        registry="PyPI",
        pins=("scim2-server==0.8.3",),
        dists=("scim2-server", "scim2-models"),
        base_path="/v2",
        launch=lambda home, port, token: [
            str(home / "bin" / "scim2-server"),
            "--hostname",
            "127.0.0.1",
            "--port",
            str(port),
            "--bearer-token",
            token,
        ],
        shown='scim2-server --hostname 127.0.0.1 --port PORT --bearer-token "$SCIM_TOKEN"',
        about="""The `scim2-server` command of the python-scim project (WSGI on werkzeug,
        scim2-models for validation, resources in memory).""",
    ),
    _django_target(
        "django-scim2-server",
        ("django-scim2-server==1.1.0", "django==5.2.19"),
        ("django-scim2-server", "django", "scim2-models", "pydantic"),
        "django_scim2_server_site",
        """A Django app by another author (browniebroke), mapping SCIM onto Django's own
        `auth.User` and `auth.Group` with its own views and PATCH code; scim2-models parses the
        bodies. Set up as its README says, in `tools/crosscheck_servers/django_scim2_server_site.py`
        (SQLite in a throw-away file, the package's access-check hook given a bearer check).""",
    ),
    _django_target(
        "django-scim2",
        ("django-scim2==0.23.0", "django==5.2.19"),
        ("django-scim2", "django", "scim2-filter-parser"),
        "django_scim2_site.settings",
        """The Django provider of 15five (`django_scim`), independent of the python-scim
        models: its own adapters, PATCH handling and scim2-filter-parser. Set up as its docs say,
        in `tools/crosscheck_servers/django_scim2_site/` (User and Group models with the
        package's SCIM mixins, SQLite in a throw-away file, a bearer check before its
        authentication middleware).""",
    ),
    Target(
        name="scimmy",
        registry="npm",
        pins=("scimmy@1.3.5", "scimmy-routers@1.3.2", "express@4.21.2"),
        dists=("scimmy", "scimmy-routers", "express"),
        base_path="/scim/v2",
        launch=lambda home, _port, _token: ["node", str(home / "scimmy_server.mjs")],
        shown='PORT=PORT SCIM_TOKEN="$SCIM_TOKEN" node .venv-crosscheck/scimmy/scimmy_server.mjs',
        about="""SCIMMY and its express routers (npm, Node.js): the protocol, validation,
        PATCH, filters and paging are the packages'; `tools/crosscheck_servers/scimmy_server.mjs`
        gives them the in-memory storage callbacks their READMEs ask for, and userName
        uniqueness, which SCIMMY leaves to the application.""",
        script="scimmy_server.mjs",
    ),
)


def _json_versions(home: Path, dists: tuple[str, ...]) -> dict[str, str]:
    out = _run([str(home / "bin" / "python"), "-c", VERSIONS, *dists], "reading versions")
    return dict(json.loads(out))


def _npm_versions(home: Path, dists: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for dist in dists:
        manifest = home / "node_modules" / dist / "package.json"
        found[dist] = str(json.loads(manifest.read_text("utf-8"))["version"])
    return found


def _pinned(target: Target, versions: Mapping[str, str]) -> bool:
    sep = "==" if target.registry == "PyPI" else "@"
    return all(
        versions.get(name) == version
        for name, _, version in (pin.rpartition(sep) for pin in target.pins)
    )


def install(target: Target) -> dict[str, str]:
    """Create or reuse the target's environment with its pins; the installed versions."""
    home, read = target.home, (_json_versions if target.registry == "PyPI" else _npm_versions)
    try:
        versions = read(home, target.dists)
        if _pinned(target, versions):
            _copy_script(target)
            return versions
    except (SetupError, OSError, ValueError, KeyError):
        pass
    print(
        f"crosscheck: installing {' '.join(target.pins)} into {home.relative_to(ROOT)}", flush=True
    )
    shutil.rmtree(home, ignore_errors=True)
    if target.registry == "PyPI":
        _run([sys.executable, "-m", "venv", str(home)], f"creating {home}")
        _run(
            [
                str(home / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *target.pins,
            ],
            f"installing {target.name}",
        )
    else:
        home.mkdir(parents=True)
        (home / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        _run(
            [
                "npm",
                "install",
                "--prefix",
                str(home),
                "--no-audit",
                "--no-fund",
                "--save-exact",
                *target.pins,
            ],
            f"installing {target.name}",
        )
    _copy_script(target)
    return read(home, target.dists)


def _copy_script(target: Target) -> None:
    # Node resolves an ES module's imports from the module's own folder, hence the copy.
    if target.script:
        shutil.copyfile(GLUE / target.script, target.home / target.script)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_answering(target: Target, server: Server, url: str, token: str) -> None:
    """Poll /ServiceProviderConfig until it answers 200: not every server prints when ready."""
    session = requests.Session()
    session.trust_env = False
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise SetupError(f"{target.name} exited ({server.proc.returncode}) before it answered")
        try:
            answer = session.get(
                f"{url}/ServiceProviderConfig",
                headers={"Authorization": f"Bearer {token}"},
                timeout=2,
            )
            if answer.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SetupError(f"{target.name} did not answer at {url} within {START_TIMEOUT:.0f} s")
