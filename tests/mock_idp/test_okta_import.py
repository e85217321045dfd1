"""Okta's import (okta.md 2.2): paging 100 at a time, matching, and a report scoped to the item."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_idp.directory import Directory
from tests.support.okta_fakes import FakeWire, Reply, directory, fact, listing, verb


def seeded(count: int, inactive: int) -> tuple[Directory, list[dict[str, Any]]]:
    """`count` members of this item (one inactive) behind 30 users of other runs."""
    people = directory()
    users: list[dict[str, Any]] = [
        {"id": f"x{i}", "userName": f"someone-else-{i}@x.test"} for i in range(30)
    ]
    for i in range(count):
        person = people.person(f"m{i:03d}")
        people.scim_ids[person.alias] = f"u{i}"
        users.append({"id": f"u{i}", "userName": person.user_name, "active": i != inactive})
    return people, users


def server(users: list[dict[str, Any]], honour_start: bool = True) -> FakeWire:
    def answer(method: str, path: str, params: Mapping[str, str], body: Any) -> Reply:
        start = int(params["startIndex"]) if honour_start else 1
        page = users[start - 1 : start - 1 + int(params["count"])]
        return Reply(200, listing(page, total=len(users), start=start))

    return FakeWire(answer)


def test_import_pages_by_100_until_total_results_and_matches_each_member_once() -> None:
    people, users = seeded(250, inactive=137)
    wire = server(users)
    verb(wire, people, "okta-oin", "import")
    assert [s.params for s in wire.sent] == [
        {"startIndex": str(start), "count": "100"} for start in (1, 101, 201)
    ]
    assert fact(people, "import") == {
        "scanned": 250,
        "matched": 249,
        "duplicates": 0,
        "new": 0,
        "skipped_inactive": 1,
        "unmatched": 0,
        "start_indexes": [1, 101, 201],
        "pages": 3,
    }


def test_a_server_ignoring_start_index_shows_as_duplicates_and_unmatched() -> None:
    people, users = seeded(250, inactive=137)
    verb(server(users, honour_start=False), people, "okta-oin", "import")
    report = fact(people, "import")
    assert report["duplicates"] > 0 and report["unmatched"] > 0


def test_users_are_matched_by_email_when_the_user_name_differs() -> None:
    people = directory()
    alice = people.person("alice")
    listed = {
        "id": "u1",
        "userName": f"{people.run_prefix}-renamed",
        "emails": [{"value": alice.email.upper()}],
    }
    verb(server([listed]), people, "okta-oin", "import")
    assert fact(people, "import")["matched"] == 1
    assert people.scim_ids["alice"] == "u1"


def test_unknown_users_of_the_item_are_new() -> None:
    people = directory()
    verb(
        server([{"id": "u1", "userName": f"{people.run_prefix}-stranger"}]),
        people,
        "okta-oin",
        "import",
    )
    assert fact(people, "import")["new"] == 1


def test_group_import_pages_groups_and_matches_pushed_names() -> None:
    people = directory()
    groups = [
        {"id": "g1", "displayName": people.group_name("writers")},
        {"id": "g2", "displayName": "other"},
    ]
    wire = server(groups)
    verb(wire, people, "okta-oin", "import_groups")
    assert wire.lines() == ["GET /Groups"]
    assert fact(people, "import_groups") == {
        "scanned": 1,
        "matched": 1,
        "new": 0,
        "start_indexes": [1],
    }
