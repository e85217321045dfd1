"""Races: uniqueness and compare-and-swap hold across two worker processes on one database."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.support.reference import RunningServer

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ATTEMPTS = 20


def _post(server: RunningServer, user_name: str) -> int:
    body = {"schemas": [USER], "userName": user_name}
    return server.scim().post(f"{server.url}/Users", json=body, timeout=30).status_code


def _variants(base: str) -> list[str]:
    """The same name as IdPs may spell it: other case, and decomposed Unicode (NFD)."""
    spellings = [base, base.upper(), base.title(), unicodedata.normalize("NFD", base)]
    return [spellings[n % len(spellings)] for n in range(ATTEMPTS)]


def _stored(server: RunningServer, folded: str) -> int:
    path = server.db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT count(*) FROM users WHERE user_name_key = ? AND deleted_at IS NULL", (folded,)
        ).fetchone()
    return int(row[0])


@pytest.mark.slow
@pytest.mark.parametrize("spelling", ["same", "variants"])
def test_concurrent_creates_store_one_user(
    server_factory: Callable[..., RunningServer], spelling: str
) -> None:
    server = server_factory("--workers", "2")
    base = "zoë.ölander@example.test"
    names = [base] * ATTEMPTS if spelling == "same" else _variants(base)
    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        statuses = list(pool.map(lambda name: _post(server, name), names))
    assert sorted(statuses) == [201] + [409] * (ATTEMPTS - 1), statuses
    assert _stored(server, base.casefold()) == 1


@pytest.mark.slow
def test_concurrent_puts_with_one_if_match_give_one_winner(
    server_factory: Callable[..., RunningServer],
) -> None:
    server = server_factory("--workers", "2")
    created = (
        server.scim()
        .post(f"{server.url}/Users", json={"schemas": [USER], "userName": "etag-race@example.test"})
        .json()
    )
    url = f"{server.url}/Users/{created['id']}"
    version = created["meta"]["version"]

    def put(title: str) -> requests.Response:
        body: dict[str, Any] = {"schemas": [USER], "userName": created["userName"], "title": title}
        return server.scim().put(url, json=body, headers={"If-Match": version}, timeout=30)

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(put, [f"title-{n}" for n in range(10)]))
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [412] * 9, statuses
    winner = next(response for response in responses if response.status_code == 200)
    assert server.scim().get(url).json()["title"] == winner.json()["title"]
