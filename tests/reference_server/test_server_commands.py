"""The server's own commands: teams and their isolation, token rotation, purge."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import requests

from tests.support.reference import RunningServer

USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def server_command(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SCIM_TOKEN", "SCIM_APP_TOKEN")}
    return subprocess.run(
        [sys.executable, "-m", "reference_server", *args, "--db", db],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def printed_token(output: str, label: str = "Authentication token") -> str:
    found = re.search(rf"{label}: (\S+)", output)
    assert found, output
    return found.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_teams_are_isolated(server_factory: Callable[..., RunningServer]) -> None:
    server = server_factory()
    added = server_command("team", "add", "globex", db=server.db)
    assert added.returncode == 0, added.stderr
    globex_token = printed_token(added.stdout)
    globex_url = server.url.replace("/t/acme/", "/t/globex/")
    created = server.scim().post(f"{server.url}/Users", json={"schemas": [USER], "userName": "a"})
    user_id = created.json()["id"]
    # Another team's token gets 401; another team's resource id is simply not found.
    assert (
        requests.get(f"{server.url}/Users", headers=bearer(globex_token), timeout=10).status_code
        == 401
    )
    other = requests.get(f"{globex_url}/Users/{user_id}", headers=bearer(globex_token), timeout=10)
    assert other.status_code == 404
    assert (
        requests.get(f"{globex_url}/Users", headers=bearer(globex_token), timeout=10).json()[
            "totalResults"
        ]
        == 0
    )


def test_a_team_name_is_checked_and_not_reused(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    assert server_command("team", "add", "Bad Name", db=db).returncode == 2
    assert server_command("team", "add", "initech", db=db).returncode == 0
    again = server_command("team", "add", "initech", db=db)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_token_rotation_stops_the_old_token_at_once(
    server_factory: Callable[..., RunningServer],
) -> None:
    server = server_factory()
    assert server.scim().get(f"{server.url}/Users").status_code == 200
    rotated = server_command("token", "rotate", "--team", "acme", db=server.db)
    assert rotated.returncode == 0, rotated.stderr
    new_token = printed_token(rotated.stdout)
    assert server.scim().get(f"{server.url}/Users").status_code == 401
    assert (
        requests.get(f"{server.url}/Users", headers=bearer(new_token), timeout=10).status_code
        == 200
    )


def test_generated_tokens_are_printed_once_and_stored_hashed(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    added = server_command("team", "add", "hooli", db=db)
    token = printed_token(added.stdout)
    with sqlite3.connect(tmp_path / "h.db") as conn:
        stored = " ".join(str(cell) for row in conn.execute("SELECT * FROM teams") for cell in row)
    assert token not in stored


def test_purge_removes_deleted_users_for_good(server_factory: Callable[..., RunningServer]) -> None:
    server = server_factory()
    created = server.scim().post(f"{server.url}/Users", json={"schemas": [USER], "userName": "p"})
    user_id = created.json()["id"]
    assert server.scim().delete(f"{server.url}/Users/{user_id}").status_code == 204
    path = server.db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        assert (
            conn.execute("SELECT count(*) FROM users WHERE id = ?", (user_id,)).fetchone()[0] == 1
        )
    purged = server_command("purge", db=server.db)
    assert purged.returncode == 0 and "Purged 1 deleted users" in purged.stdout
    with sqlite3.connect(path) as conn:
        assert (
            conn.execute("SELECT count(*) FROM users WHERE id = ?", (user_id,)).fetchone()[0] == 0
        )
