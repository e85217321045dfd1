"""A genuine server fault is a bare 500 with a correlation id; the details go to the log only."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

from tests.support.reference import SCIM_TOKEN, RunningServer

USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def test_database_failure_is_a_bare_500_with_correlation_id(
    server_factory: Callable[..., RunningServer], tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    running = server_factory("--log-file", str(log))
    scim = running.scim()
    created = scim.post(
        f"{running.url}/Users", json={"schemas": [USER], "userName": "before@example.test"}
    )
    assert created.status_code == 201
    # The fault: the users table disappears under the running server.
    with sqlite3.connect(running.db.removeprefix("sqlite:///")) as db:
        db.execute("PRAGMA foreign_keys=OFF")
        db.execute("DROP TABLE users")
    answer = scim.get(f"{running.url}/Users", params={"filter": 'userName eq "planted-filter"'})

    assert answer.status_code == 500
    body = answer.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert body["status"] == "500"
    match = re.fullmatch(r"Internal error; correlation id ([0-9a-f]+)", body["detail"])
    assert match, body
    correlation = match.group(1)
    assert answer.headers["x-request-id"] == correlation
    for leak in ("Traceback", "sqlite", "users", "SELECT", "planted-filter", SCIM_TOKEN):
        assert leak not in answer.text

    running.stop()
    text = log.read_text()
    assert f"request {correlation} failed" in text
    details = text[text.index(f"request {correlation} failed") :]
    assert "Traceback" in details
    assert "no such table: users" in details
    # The access log line carries the same id and no query string.
    assert re.search(rf"GET /t/\S+/scim/v2/Users 500 [0-9.]+ms id={correlation}", text)
    assert "planted-filter" not in text
