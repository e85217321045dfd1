"""The Group endpoints over real HTTP, in the shapes Okta and Entra send."""

from __future__ import annotations

import uuid
from typing import Any

import requests

from tests.support.reference import RunningServer

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def new_user(server: RunningServer) -> str:
    body = {"schemas": [USER], "userName": f"m-{uuid.uuid4().hex[:8]}@example.test"}
    response = server.scim().post(f"{server.url}/Users", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def new_group(server: RunningServer, members: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"schemas": [GROUP], "displayName": f"g-{uuid.uuid4().hex[:8]}"}
    body["members"] = [{"value": member} for member in members or []]
    response = server.scim().post(f"{server.url}/Groups", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def patch(server: RunningServer, group_id: str, *operations: dict[str, Any]) -> requests.Response:
    body = {"schemas": [PATCH], "Operations": list(operations)}
    return server.scim().patch(f"{server.url}/Groups/{group_id}", json=body)


def member_ids(server: RunningServer, group_id: str) -> list[str]:
    group = server.scim().get(f"{server.url}/Groups/{group_id}").json()
    return [member["value"] for member in group.get("members", [])]


def test_okta_push_add_remove_and_replace(server: RunningServer) -> None:
    alice, bob = new_user(server), new_user(server)
    group = new_group(server)
    add = {"op": "add", "path": "members", "value": [{"value": alice, "display": "a"}]}
    assert patch(server, group["id"], add).status_code == 200
    add_bob = {"op": "add", "path": "members", "value": [{"value": bob}]}
    assert patch(server, group["id"], add_bob).status_code == 200
    assert member_ids(server, group["id"]) == [alice, bob]
    remove = {"op": "remove", "path": f'members[value eq "{alice}"]'}
    assert patch(server, group["id"], remove).status_code == 200
    assert member_ids(server, group["id"]) == [bob]
    assert patch(server, group["id"], {"op": "replace", "path": "members", "value": []}).ok
    assert member_ids(server, group["id"]) == []


def test_okta_rename_with_id_inside_value(server: RunningServer) -> None:
    group = new_group(server)
    value = {"id": group["id"], "displayName": "Renamed"}
    response = patch(server, group["id"], {"op": "replace", "value": value})
    assert response.status_code == 200
    assert response.json()["displayName"] == "Renamed"


def test_entra_member_removal_by_value_list_removes_only_those(server: RunningServer) -> None:
    alice, bob = new_user(server), new_user(server)
    group = new_group(server, [alice, bob])
    remove = {"op": "Remove", "path": "members", "value": [{"value": alice}]}
    assert patch(server, group["id"], remove).status_code == 200
    assert member_ids(server, group["id"]) == [bob]


def test_membership_shows_on_the_user_and_filters(server: RunningServer) -> None:
    alice = new_user(server)
    group = new_group(server, [alice])
    user = server.scim().get(f"{server.url}/Users/{alice}").json()
    assert [entry["value"] for entry in user["groups"]] == [group["id"]]
    params = {"filter": f'members.value eq "{alice}"'}
    found = server.scim().get(f"{server.url}/Groups", params=params).json()
    assert [entry["id"] for entry in found["Resources"]] == [group["id"]]


def test_excluded_members_are_absent(server: RunningServer) -> None:
    group = new_group(server, [new_user(server)])
    params = {"filter": f'displayName eq "{group["displayName"]}"', "excludedAttributes": "members"}
    found = server.scim().get(f"{server.url}/Groups", params=params).json()
    assert found["totalResults"] == 1
    assert "members" not in found["Resources"][0]


def test_unknown_member_is_ignored_and_the_answer_shows_it(server: RunningServer) -> None:
    alice = new_user(server)
    group = new_group(server, [alice])
    add = {"op": "add", "path": "members", "value": [{"value": "no-such-user"}]}
    response = patch(server, group["id"], add)
    assert response.status_code == 200
    assert [member["value"] for member in response.json()["members"]] == [alice]


def test_patch_answers_the_entire_group_unless_members_are_excluded(server: RunningServer) -> None:
    alice = new_user(server)
    group = new_group(server)
    add = {"op": "add", "path": "members", "value": [{"value": alice}]}
    assert patch(server, group["id"], add).json()["members"][0]["value"] == alice
    body = {
        "schemas": [PATCH],
        "Operations": [{"op": "replace", "path": "displayName", "value": "x"}],
    }
    quiet = server.scim().patch(
        f"{server.url}/Groups/{group['id']}", json=body, params={"excludedAttributes": "members"}
    )
    assert "members" not in quiet.json()


def test_delete_group_keeps_its_users(server: RunningServer) -> None:
    alice = new_user(server)
    group = new_group(server, [alice])
    assert server.scim().delete(f"{server.url}/Groups/{group['id']}").status_code == 204
    assert server.scim().get(f"{server.url}/Groups/{group['id']}").status_code == 404
    user = server.scim().get(f"{server.url}/Users/{alice}").json()
    assert "groups" not in user


def test_display_name_is_unique_per_team(server: RunningServer) -> None:
    group = new_group(server)
    again = {"schemas": [GROUP], "displayName": group["displayName"].upper()}
    response = server.scim().post(f"{server.url}/Groups", json=again)
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"
    assert server.scim().delete(f"{server.url}/Groups/{group['id']}").status_code == 204
    assert server.scim().post(f"{server.url}/Groups", json=again).status_code == 201
