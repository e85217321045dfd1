"""A team's OAuth client (docs/oauth.md): made with the team, its secret printed once and stored
only as a hash, and replaced by `token rotate --which client`, ending the tokens it issued."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable

import requests

from tests.support.reference import CLIENT_ID, CLIENT_SECRET, RunningServer

GRANT = {"grant_type": "client_credentials"}


def command(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCIM_")}
    return subprocess.run(
        [sys.executable, "-m", "reference_server", *args, "--db", db],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def printed(output: str, label: str) -> str:
    found = re.search(rf"{label}: (\S+)", output)
    assert found, output
    return found.group(1)


def token_for(url: str, client_id: str, secret: str) -> requests.Response:
    form = GRANT | {"client_id": client_id, "client_secret": secret}
    return requests.post(url, data=form, timeout=10)


def test_a_new_team_gets_a_client_whose_secret_is_printed_once(
    server_factory: Callable[..., RunningServer],
) -> None:
    server = server_factory()
    added = command("team", "add", "umbrella", db=server.db)
    assert added.returncode == 0, added.stderr
    client_id = printed(added.stdout, "OAuth client id")
    secret = printed(added.stdout, "OAuth client secret")
    url = server.token_url.replace("/t/acme/", "/t/umbrella/")
    token = token_for(url, client_id, secret).json()["access_token"]
    own = server.url.replace("/t/acme/", "/t/umbrella/")
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{own}/Users", headers=headers, timeout=10).status_code == 200
    # Another team's API does not take it, nor its token endpoint the client.
    assert requests.get(f"{server.url}/Users", headers=headers, timeout=10).status_code == 401
    assert token_for(server.token_url, client_id, secret).status_code == 401
    with sqlite3.connect(server.db.removeprefix("sqlite:///")) as conn:
        stored = conn.execute("SELECT secret_hash FROM oauth_clients").fetchall()
        issued = conn.execute("SELECT token_hash FROM access_tokens").fetchall()
    assert all(secret not in row[0] for row in stored)
    assert all(token not in row[0] for row in issued)


def test_the_banner_names_the_client_and_the_token_url(server: RunningServer) -> None:
    banner = "\n".join(server.banner)
    assert printed(banner, "OAuth client id") == CLIENT_ID
    assert printed(banner, "OAuth token URL") == server.token_url
    assert CLIENT_SECRET not in banner  # given by the environment: never printed


def test_rotating_the_client_secret_ends_the_old_secret_and_its_tokens(
    server_factory: Callable[..., RunningServer],
) -> None:
    server = server_factory()
    token = token_for(server.token_url, CLIENT_ID, CLIENT_SECRET).json()["access_token"]
    rotated = command("token", "rotate", "--team", "acme", "--which", "client", db=server.db)
    assert rotated.returncode == 0, rotated.stderr
    new_secret = printed(rotated.stdout, "OAuth client secret")
    assert token_for(server.token_url, CLIENT_ID, CLIENT_SECRET).status_code == 401
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{server.url}/Users", headers=headers, timeout=10).status_code == 401
    assert token_for(server.token_url, CLIENT_ID, new_secret).status_code == 200


def test_a_lifetime_out_of_bounds_is_refused(server: RunningServer) -> None:
    for minutes in ("0", "20000"):
        done = command("serve", "--port", "0", "--token-lifetime", minutes, db=server.db)
        assert done.returncode == 2 and "--token-lifetime" in done.stderr
