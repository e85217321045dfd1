"""A real reference server in a child process on a free loopback port, with its own SQLite file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from harness.transport.client_key import new_key_pair

SCIM_TOKEN = 'test-scim-token-a+b/c"d<e%'
APP_TOKEN = "test-app-token"
# The OAuth client `serve` makes for a team (docs/oauth.md); the id is no secret.
CLIENT_ID = "test-client"
CLIENT_SECRET = "test-client-secret+/=%"
# The client's key pair for JWT client authentication (RFC 7523): made afresh by each test
# process, never stored; the server registers its public JWK Set.
CLIENT_KEYS = new_key_pair("test-key")
STARTUP_SECONDS = 30


@dataclass
class RunningServer:
    """A `scimcert serve` child process and clients for its two APIs."""

    process: subprocess.Popen[str]
    url: str
    app_url: str
    db: str
    banner: list[str] = field(default_factory=list)

    @property
    def token_url(self) -> str:
        """The team's OAuth token endpoint, beside its SCIM API (docs/oauth.md)."""
        return self.url.removesuffix("/scim/v2") + "/oauth/token"

    def scim(self, token: str = SCIM_TOKEN) -> requests.Session:
        return _session(token, "application/scim+json")

    def app(self) -> requests.Session:
        return _session(APP_TOKEN, "application/json")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def _session(token: str, media_type: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.headers.update(
        {"Authorization": f"Bearer {token}", "Content-Type": media_type, "Accept": media_type}
    )
    return session


def read_until(process: subprocess.Popen[str], done: Callable[[str], bool], what: str) -> list[str]:
    """The lines `process` printed up to and including the first one `done` accepts; a process
    that exits first, or takes longer than STARTUP_SECONDS, is a RuntimeError naming `what`."""
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"{what} exited: {''.join(lines)}")
        lines.append(line.rstrip("\n"))
        if done(line):
            return lines
    raise RuntimeError(f"{what} did not start: {lines}")


def run_argv(server: RunningServer, report: Path, *args: str) -> list[str]:
    """`scimcert run` against `server` and its app probe, writing into `report`, ending with the
    one-line `--json` summary; `args` add to it."""
    return [
        sys.executable,
        "-m",
        "harness.cli.main",
        "run",
        "--url",
        server.url,
        "--app-url",
        server.app_url,
        "--report-dir",
        str(report),
        "--json",
        *args,
    ]


def start_server(
    db_path: Path, *args: str, env: dict[str, str] | None = None, entitlements: bool = True
) -> RunningServer:
    """`scimcert serve` on a free port; with `/Roles` (`--entitlements`) unless told otherwise,
    so that Okta's Entitlements test has an endpoint to page."""
    environment = {
        **os.environ,
        "SCIM_TOKEN": SCIM_TOKEN,
        "SCIM_APP_TOKEN": APP_TOKEN,
        "SCIM_CLIENT_ID": CLIENT_ID,
        "SCIM_CLIENT_SECRET": CLIENT_SECRET,
        "SCIM_CLIENT_JWKS": CLIENT_KEYS.jwks,
    }
    environment.update(env or {})
    db = f"sqlite:///{db_path}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reference_server",
            "serve",
            "--port",
            "0",
            "--db",
            db,
            *(["--entitlements"] if entitlements else []),
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environment,
    )
    banner = read_until(process, lambda line: line.startswith("App probe URL:"), "server")
    text = "\n".join(banner)
    url = re.search(r"SCIM API URL: (\S+)", text)
    app_url = re.search(r"App probe URL: (\S+)", text)
    assert url and app_url, text
    return RunningServer(process, url.group(1), app_url.group(1), db, banner)
