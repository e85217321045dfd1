"""Okta Group Push requests (okta.md 2.8): OIN PATCHes and AIW PUTs, against a fake wire."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from mock_idp.directory import Directory
from tests.support.okta_fakes import PATCH, FakeWire, Reply, directory, listing, verb

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def group_server(found: bool = False) -> FakeWire:
    def answer(method: str, path: str, params: Mapping[str, str], body: Any) -> Reply:
        if method == "GET" and path == "/Groups":
            return Reply(200, listing([{"id": "g-old", "displayName": "x"}] if found else []))
        if method == "POST":
            return Reply(201, {**body, "id": "g-1"})
        return Reply(204)

    return FakeWire(answer)


def team() -> Directory:
    people = directory()
    for alias in ("alice", "bob", "carol"):
        people.person(alias)
        people.scim_ids[alias] = f"u-{alias}"
    return people


def operations(wire: FakeWire, index: int = -1) -> Any:
    body = wire.sent[index].body
    assert body["schemas"] == [PATCH]
    return body["Operations"]


def test_push_looks_up_creates_empty_then_adds_members_without_type() -> None:
    wire, people = group_server(), team()
    verb(wire, people, "okta-oin", "push_group", group="designers", members=["alice"])
    assert wire.lines() == ["GET /Groups", "POST /Groups", "PATCH /Groups/g-1"]
    name = people.group_name("designers")
    assert wire.sent[0].params == {
        "filter": f'displayName eq "{name}"',
        "startIndex": "1",
        "count": "100",
    }
    assert wire.sent[1].body == {"schemas": [GROUP], "displayName": name, "members": []}
    alice = people.person("alice").user_name
    assert operations(wire) == [
        {"op": "add", "path": "members", "value": [{"value": "u-alice", "display": alice}]}
    ]


def test_push_of_a_group_found_by_name_links_it_and_replaces_its_members() -> None:
    wire, people = group_server(found=True), team()
    verb(wire, people, "okta-oin", "push_group", group="designers", members=["bob"])
    assert wire.lines() == ["GET /Groups", "PATCH /Groups/g-old"]
    assert operations(wire)[0]["op"] == "replace"
    assert people.group_ids["designers"] == "g-old"


def test_membership_changes_remove_by_filter_path_then_add() -> None:
    wire, people = group_server(), team()
    people.group_ids["designers"] = "g-1"
    verb(
        wire, people, "okta-oin", "update_members", group="designers", add=["bob"], remove=["alice"]
    )
    assert operations(wire) == [
        {"op": "remove", "path": 'members[value eq "u-alice"]'},
        {
            "op": "add",
            "path": "members",
            "value": [{"value": "u-bob", "display": people.person("bob").user_name}],
        },
    ]


def test_push_now_replaces_all_members_and_empties_with_an_empty_list() -> None:
    wire, people = group_server(), team()
    people.group_ids["designers"] = "g-1"
    verb(wire, people, "okta-oin", "push_now", group="designers", members=[])
    assert operations(wire) == [{"op": "replace", "path": "members", "value": []}]


def test_rename_is_a_pathless_replace_carrying_the_group_id() -> None:
    wire, people = group_server(), team()
    people.group_ids["designers"] = "g-1"
    verb(wire, people, "okta-oin", "rename_group", group="designers", to="design-team")
    new_name = f"{people.run_prefix}-design-team"
    assert operations(wire) == [{"op": "replace", "value": {"id": "g-1", "displayName": new_name}}]
    assert people.group_name("designers") == new_name


@pytest.mark.parametrize("profile", ["okta-oin", "okta-aiw"])
def test_unlink_deletes_the_group(profile: str) -> None:
    wire, people = group_server(), team()
    people.group_ids["designers"] = "g-1"
    verb(wire, people, profile, "unlink_group", group="designers")
    assert wire.lines() == ["DELETE /Groups/g-1"]


def test_aiw_pushes_every_change_as_a_put_of_the_whole_group() -> None:
    wire, people = group_server(), team()
    verb(wire, people, "okta-aiw", "push_group", group="designers", members=["alice"])
    verb(wire, people, "okta-aiw", "add_members", group="designers", members=["bob", "carol"])
    verb(wire, people, "okta-aiw", "remove_members", group="designers", members=["alice"])
    verb(wire, people, "okta-aiw", "rename_group", group="designers", to="design-team")
    assert wire.lines() == ["GET /Groups", "POST /Groups"] + ["PUT /Groups/g-1"] * 4
    last = wire.sent[-1].body
    assert last["displayName"].endswith("-design-team")
    assert [member["value"] for member in last["members"]] == ["u-bob", "u-carol"]
    assert people.facts["push"] == {
        "designers": {
            "members": ["bob", "carol"],
            "displayName": people.group_name("designers"),
            "id": "g-1",
        }
    }
