"""The product's lifecycle seen through the app probe: deactivation, reactivation, access."""

from __future__ import annotations

import uuid
from typing import Any

import requests

from tests.support.reference import RunningServer

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def scim_user(server: RunningServer) -> str:
    body = {"schemas": [USER], "userName": f"{name('u')}@example.test"}
    response = server.scim().post(f"{server.url}/Users", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def set_active(server: RunningServer, user_id: str, active: bool) -> None:
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": active}}]}
    response = server.scim().patch(f"{server.url}/Users/{user_id}", json=body)
    assert response.status_code == 200, response.text


def member(server: RunningServer, user_id: str) -> dict[str, Any]:
    response = server.app().get(f"{server.app_url}/members/{user_id}")
    assert response.status_code == 200, response.text
    state: dict[str, Any] = response.json()
    return state


def post(server: RunningServer, path: str, body: dict[str, Any]) -> requests.Response:
    return server.app().post(f"{server.app_url}{path}", json=body)


def test_new_scim_members_have_role_member(server: RunningServer) -> None:
    state = member(server, scim_user(server))
    assert state["role"] == "member"
    assert state["in_team"] and state["can_sign_in"]


def test_deactivation_then_reactivation_resets_role_and_restores_access(
    server: RunningServer,
) -> None:
    user_id = scim_user(server)
    space, document = name("space"), name("doc")
    assert post(server, "/spaces", {"name": space}).status_code == 201
    assert post(server, "/documents", {"title": document, "space": space}).status_code == 201
    group = (
        server.scim()
        .post(
            f"{server.url}/Groups",
            json={"schemas": [GROUP], "displayName": name("g"), "members": [{"value": user_id}]},
        )
        .json()
    )
    assert post(server, "/grants", {"space": space, "member": user_id}).status_code == 204
    assert post(server, "/grants", {"document": document, "group": group["id"]}).status_code == 204
    role = server.app().put(f"{server.app_url}/members/{user_id}/role", json={"role": "admin"})
    assert role.json()["role"] == "admin"
    before = member(server, user_id)

    set_active(server, user_id, False)
    inactive = member(server, user_id)
    assert not inactive["in_team"] and not inactive["can_sign_in"]
    assert inactive["spaces"] == [] and inactive["documents"] == []
    assert post(server, f"/members/{user_id}/sign-in", {}).status_code == 403
    scim_view = server.scim().get(f"{server.url}/Users/{user_id}").json()
    assert scim_view["active"] is False
    assert [entry["value"] for entry in scim_view["groups"]] == [group["id"]]

    set_active(server, user_id, True)
    after = member(server, user_id)
    assert after["role"] == "member"
    assert after["spaces"] == before["spaces"] == [space]
    assert after["documents"] == before["documents"] == [document]
    assert after["groups"] == [group["id"]]
    assert post(server, f"/members/{user_id}/sign-in", {}).json() == {"allowed": True}
    roles = server.scim().get(f"{server.url}/Users/{user_id}").json()["roles"]
    assert roles[0]["value"] == "member"


def test_scim_roles_are_ignored_on_write(server: RunningServer) -> None:
    user_id = scim_user(server)
    body = {"schemas": [PATCH], "Operations": [{"op": "add", "path": "roles", "value": "[]"}]}
    assert server.scim().patch(f"{server.url}/Users/{user_id}", json=body).status_code == 200
    assert member(server, user_id)["role"] == "member"


def test_members_created_in_the_app_are_visible_over_scim(server: RunningServer) -> None:
    user_name = f"{name('import')}@example.test"
    created = post(server, "/members", {"userName": user_name, "role": "owner"})
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "owner"
    found = (
        server.scim()
        .get(f"{server.url}/Users", params={"filter": f'userName eq "{user_name}"'})
        .json()
    )
    assert found["totalResults"] == 1
    assert found["Resources"][0]["roles"][0]["value"] == "owner"


def test_probe_needs_the_app_token(server: RunningServer) -> None:
    response = server.scim().get(f"{server.app_url}/members/x")
    assert response.status_code == 401


def test_another_teams_token_and_ids_do_not_cross(server: RunningServer) -> None:
    user_id = scim_user(server)
    other = server.url.replace("/t/acme/", "/t/nosuchteam/")
    assert server.scim().get(f"{other}/Users/{user_id}").status_code == 401
