"""`scimcert demo`: the reference server in a child process, every scenario, every profile.

The server is started as `python -m reference_server` on a free loopback port with a temporary
SQLite file and fresh tokens, exactly as a vendor's server would be met: over HTTP only. Its OAuth
token endpoint and client (docs/oauth.md) are named to the run, so the token scenarios run too,
and `scimcert demo --auth oauth` authenticates every request with a token from it. A key pair made
at start gives the server the client's public JWK Set and the run its private key, so the IPSIE
pack's JWT client authentication (RFC 7523) runs when the pack is asked.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.plugin.options import add_arguments
from harness.transport.client_key import CLIENT_KEY_ENV, CLIENT_KEY_ID_ENV, new_key_pair

from . import run

STARTUP_SECONDS = 30
DEMO_REPORT_DIR = Path("out/demo")
DEMO_CLIENT_ID = "scimcert-demo"


def add_parser(commands: Any) -> argparse.ArgumentParser:
    demo: argparse.ArgumentParser = commands.add_parser(
        "demo", help="start the reference server and certify it"
    )
    add_arguments(demo, "demo")
    demo.set_defaults(handler=main, report_dir=DEMO_REPORT_DIR)
    return demo


def _read_urls(process: subprocess.Popen[str]) -> tuple[str, str]:
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_SECONDS
    seen: list[str] = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line.strip())
        if line.startswith("App probe URL:"):
            text = "\n".join(seen)
            scim = re.search(r"SCIM API URL: (\S+)", text)
            app = re.search(r"App probe URL: (\S+)", text)
            if scim and app:
                return scim.group(1), app.group(1)
    raise RuntimeError("the reference server did not start: " + " | ".join(seen))


DEMO_CURSOR_TIMEOUT_S = 2


@contextmanager
def reference_server(folder: Path, env: dict[str, str]) -> Iterator[tuple[str, str]]:
    command = [
        sys.executable,
        "-m",
        "reference_server",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--db",
        f"sqlite:///{folder / 'demo.db'}",
        "--log-file",
        str(folder / "server.log"),
        # Short enough for core/cursor-expiry to wait one out, so the demo leaves nothing skipped.
        "--cursor-timeout",
        str(DEMO_CURSOR_TIMEOUT_S),
        # The team's roles as Okta's entitlement type, so Okta's Entitlements test runs too.
        "--entitlements",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        yield _read_urls(process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _client_keys() -> dict[str, str]:
    """The client's public JWK Set for the server; its private key goes to the run through the
    environment, never printed. A key already in the environment is used with the JWK Set given
    beside it (`SCIM_CLIENT_JWKS`)."""
    if os.environ.get(CLIENT_KEY_ENV):
        given = os.environ.get("SCIM_CLIENT_JWKS")
        return {"SCIM_CLIENT_JWKS": given} if given else {}
    pair = new_key_pair(DEMO_CLIENT_ID)
    os.environ.update({CLIENT_KEY_ENV: pair.pem, CLIENT_KEY_ID_ENV: pair.kid})
    return {"SCIM_CLIENT_JWKS": pair.jwks}


def main(args: argparse.Namespace) -> int:
    # Tokens already in the environment are used (so `scimcert scan` can look for them in the
    # demo's reports); otherwise fresh ones, which nobody sees.
    tokens = {
        name: os.environ.get(name) or secrets.token_urlsafe(32)
        for name in ("SCIM_TOKEN", "SCIM_APP_TOKEN", "SCIM_CLIENT_SECRET")
    }
    os.environ.update(tokens)
    client = {"SCIM_CLIENT_ID": args.client_id or DEMO_CLIENT_ID}  # the server's; no secret
    client |= _client_keys()
    with tempfile.TemporaryDirectory(prefix="scimcert-demo-") as folder:
        try:
            with reference_server(Path(folder), {**os.environ, **tokens, **client}) as (
                url,
                app_url,
            ):
                print(f"scimcert demo: reference server at {url}", flush=True)
                args.app_url = args.app_url or app_url
                # The banner's `OAuth token URL:` is beside the SCIM API, under the team.
                args.token_url = args.token_url or url.removesuffix("/scim/v2") + "/oauth/token"
                args.client_id = client["SCIM_CLIENT_ID"]
                code = run.execute(args, url)
        except RuntimeError as error:
            print(f"scimcert demo: {error}", file=sys.stderr)
            return 3
    for name in ("index.html", "report.html", "junit.xml", "results.jsonl"):
        print(f"  {args.report_dir / name}")
    return code
