"""Cursor paging (RFC 9865) over real HTTP: round trips, binding, errors, expiry, discovery."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.reference import RunningServer

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


@pytest.fixture
def prefix(server: RunningServer) -> str:
    """Five users whose userName starts with a prefix of their own."""
    tag = f"cur{uuid.uuid4().hex[:8]}"
    for n in range(5):
        body = {"schemas": [USER], "userName": f"{tag}-{n}"}
        assert server.scim().post(f"{server.url}/Users", json=body).status_code == 201
    return tag


def page(server: RunningServer, prefix: str, **params: str) -> Any:
    query = {"filter": f'userName sw "{prefix}-"', **params}
    return server.scim().get(f"{server.url}/Users", params=query)


def test_following_next_cursor_yields_each_match_once(server: RunningServer, prefix: str) -> None:
    first = page(server, prefix, cursor="", count="2").json()
    assert "previousCursor" not in first
    seen, body, pages = [], first, 1
    while True:
        seen += [r["userName"] for r in body["Resources"]]
        assert body["totalResults"] == 5 and len(body["Resources"]) <= 2
        if "nextCursor" not in body:
            break
        assert set(body["nextCursor"]) <= UNRESERVED
        body = page(server, prefix, cursor=body["nextCursor"], count="2").json()
        pages += 1
    assert sorted(seen) == [f"{prefix}-{n}" for n in range(5)] and pages == 3


def test_previous_cursor_leads_back_a_page(server: RunningServer, prefix: str) -> None:
    first = page(server, prefix, cursor="", count="2").json()
    second = page(server, prefix, cursor=first["nextCursor"], count="2").json()
    back = page(server, prefix, cursor=second["previousCursor"], count="2").json()
    assert back["Resources"] == first["Resources"] and "previousCursor" not in back


def test_index_paging_is_unchanged_and_the_default(server: RunningServer, prefix: str) -> None:
    body = page(server, prefix, startIndex="2", count="2").json()
    assert body["startIndex"] == 2 and body["itemsPerPage"] == 2 and "nextCursor" not in body
    assert "nextCursor" not in page(server, prefix).json()


def test_count_zero_or_negative_returns_only_the_total(server: RunningServer, prefix: str) -> None:
    for count in ("0", "-3"):
        body = page(server, prefix, cursor="", count=count).json()
        assert (body["totalResults"], body["Resources"], "nextCursor" in body) == (5, [], False)


@pytest.mark.parametrize(
    ("change", "scim_type"),
    [
        (lambda c: {"cursor": "not-a-cursor", "count": "2"}, "invalidCursor"),
        (lambda c: {"cursor": c[:-2] + ("AA" if c[-2:] != "AA" else "BB")}, "invalidCursor"),
        (lambda c: {"cursor": c, "count": "3"}, "invalidCount"),
    ],
)
def test_a_forged_or_changed_cursor_is_refused(
    server: RunningServer,
    prefix: str,
    change: Callable[[str], dict[str, str]],
    scim_type: str,
) -> None:
    cursor = page(server, prefix, cursor="", count="2").json()["nextCursor"]
    response = page(server, prefix, **{"count": "2", **change(cursor)})
    assert (response.status_code, response.json()["scimType"]) == (400, scim_type)


def test_a_cursor_is_bound_to_its_filter(server: RunningServer, prefix: str) -> None:
    cursor = page(server, prefix, cursor="", count="2").json()["nextCursor"]
    response = page(server, prefix + "x", cursor=cursor, count="2")
    assert (response.status_code, response.json()["scimType"]) == (400, "invalidCursor")


def test_search_requests_page_by_cursor_too(server: RunningServer, prefix: str) -> None:
    body = {"schemas": [SEARCH], "filter": f'userName sw "{prefix}-"', "cursor": "", "count": 4}
    first = server.scim().post(f"{server.url}/Users/.search", json=body).json()
    body["cursor"] = first["nextCursor"]
    last = server.scim().post(f"{server.url}/Users/.search", json=body).json()
    assert (len(first["Resources"]), len(last["Resources"]), "nextCursor" in last) == (4, 1, False)


def test_service_provider_config_advertises_cursors(server: RunningServer) -> None:
    spc = server.scim().get(f"{server.url}/ServiceProviderConfig").json()
    assert spc["pagination"] == {
        "cursor": True,
        "index": True,
        "defaultPaginationMethod": "index",
        "defaultPageSize": 200,
        "maxPageSize": 200,
        "cursorTimeout": 600,
    }


def test_a_cursor_expires_after_the_configured_timeout(
    server_factory: Callable[..., RunningServer],
) -> None:
    short = server_factory("--cursor-timeout", "1")
    spc = short.scim().get(f"{short.url}/ServiceProviderConfig").json()
    assert spc["pagination"]["cursorTimeout"] == 1
    for n in range(2):
        body = {"schemas": [USER], "userName": f"exp-{n}"}
        assert short.scim().post(f"{short.url}/Users", json=body).status_code == 201
    cursor = page(short, "exp", cursor="", count="1").json()["nextCursor"]
    assert page(short, "exp", cursor=cursor, count="1").status_code == 200
    time.sleep(2.2)
    response = page(short, "exp", cursor=cursor, count="1")
    assert (response.status_code, response.json()["scimType"]) == (400, "expiredCursor")
