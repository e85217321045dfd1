"""The User endpoints over real HTTP against a running server."""

from __future__ import annotations

import uuid
from typing import Any

import requests

from tests.support.reference import RunningServer

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.test"


def okta_user(user_name: str) -> dict[str, Any]:
    """Okta's create body (okta.md 2.3), password and `groups: []` included."""
    return {
        "schemas": [USER],
        "userName": user_name,
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "displayName": "Test User",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": True,
    }


def create(server: RunningServer, body: dict[str, Any]) -> dict[str, Any]:
    response = server.scim().post(f"{server.url}/Users", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def patch(server: RunningServer, user_id: str, *operations: dict[str, Any]) -> requests.Response:
    body = {"schemas": [PATCH], "Operations": list(operations)}
    return server.scim().patch(f"{server.url}/Users/{user_id}", json=body)


def test_create_returns_the_resource_with_location_and_etag(server: RunningServer) -> None:
    response = server.scim().post(f"{server.url}/Users", json=okta_user(unique("create")))
    assert response.status_code == 201
    assert response.headers["content-type"].startswith("application/scim+json")
    body = response.json()
    assert isinstance(body["id"], str) and body["id"]
    assert response.headers["Location"] == body["meta"]["location"]
    assert response.headers["ETag"] == body["meta"]["version"]
    assert body["active"] is True
    assert body["roles"] == [{"value": "member", "display": "Member", "primary": True}]
    assert "password" not in body and "groups" not in body


def test_password_is_never_returned_or_stored(server: RunningServer) -> None:
    created = create(server, okta_user(unique("pw")))
    fetched = server.scim().get(f"{server.url}/Users/{created['id']}").json()
    assert "password" not in fetched
    listed = server.scim().get(f"{server.url}/Users", params={"attributes": "password"}).json()
    assert all("password" not in user for user in listed["Resources"])


def test_duplicate_user_name_in_any_case_is_409_uniqueness(server: RunningServer) -> None:
    name = unique("Dup")
    create(server, okta_user(name))
    response = server.scim().post(f"{server.url}/Users", json=okta_user(name.upper()))
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"
    assert response.json()["status"] == "409"


def test_filter_on_user_name_is_case_insensitive(server: RunningServer) -> None:
    name = unique("Filter")
    created = create(server, okta_user(name))
    params = {"filter": f'userName eq "{name.upper()}"', "startIndex": "1", "count": "100"}
    body = server.scim().get(f"{server.url}/Users", params=params).json()
    assert body["totalResults"] == 1
    assert body["itemsPerPage"] == 1
    assert body["Resources"][0]["id"] == created["id"]


def test_filter_without_match_is_an_empty_list(server: RunningServer) -> None:
    params = {"filter": f'userName eq "{unique("nobody")}"'}
    response = server.scim().get(f"{server.url}/Users", params=params)
    assert response.status_code == 200
    assert response.json() == {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 0,
        "startIndex": 1,
        "itemsPerPage": 0,
        "Resources": [],
    }


def test_okta_path_less_deactivation_keeps_the_user_readable(server: RunningServer) -> None:
    created = create(server, okta_user(unique("okta")))
    response = patch(server, created["id"], {"op": "replace", "value": {"active": False}})
    assert response.status_code == 200
    assert response.json()["active"] is False
    fetched = server.scim().get(f"{server.url}/Users/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["active"] is False


def test_entra_string_boolean_and_capitalised_op(server: RunningServer) -> None:
    created = create(server, okta_user(unique("entra")))
    response = patch(server, created["id"], {"op": "Replace", "path": "active", "value": "False"})
    assert response.status_code == 200
    assert response.json()["active"] is False
    response = patch(server, created["id"], {"op": "Replace", "path": "active", "value": "True"})
    assert response.json()["active"] is True


def test_put_without_active_does_not_deactivate(server: RunningServer) -> None:
    created = create(server, okta_user(unique("put")))
    template = {"schemas": [USER], "userName": created["userName"], "title": "Designer"}
    response = server.scim().put(f"{server.url}/Users/{created['id']}", json=template)
    assert response.status_code == 200
    assert response.json()["active"] is True
    assert response.json()["title"] == "Designer"
    assert "emails" not in response.json()  # PUT replaces what it carries


def test_put_round_trips_the_servers_own_document(server: RunningServer) -> None:
    created = create(server, okta_user(unique("aiw")))
    document = server.scim().get(f"{server.url}/Users/{created['id']}").json()
    document["active"] = False
    response = server.scim().put(f"{server.url}/Users/{created['id']}", json=document)
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert response.json()["id"] == created["id"]


def test_enterprise_manager_is_returned_complex(server: RunningServer) -> None:
    manager = create(server, okta_user(unique("boss")))
    created = create(server, okta_user(unique("report")))
    op = {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": manager["id"]}
    response = patch(server, created["id"], op)
    assert response.status_code == 200, response.text
    rendered = response.json()[ENTERPRISE]["manager"]
    assert rendered["value"] == manager["id"]
    assert rendered["$ref"] == f"{server.url}/Users/{manager['id']}"
    assert "displayName" not in rendered  # read-only; see render._manager
    assert ENTERPRISE in response.json()["schemas"]


def test_delete_then_404_and_user_name_reusable(server: RunningServer) -> None:
    name = unique("gone")
    created = create(server, okta_user(name))
    assert server.scim().delete(f"{server.url}/Users/{created['id']}").status_code == 204
    assert server.scim().get(f"{server.url}/Users/{created['id']}").status_code == 404
    assert server.scim().delete(f"{server.url}/Users/{created['id']}").status_code == 404
    create(server, okta_user(name))


def test_paging_is_stable_and_counts_are_integers(server: RunningServer) -> None:
    prefix = uuid.uuid4().hex[:8]
    ids = [create(server, okta_user(f"{prefix}-{n}@example.test"))["id"] for n in range(5)]
    seen: list[str] = []
    for start in (1, 3, 5):
        params = {"filter": f'userName sw "{prefix}"', "startIndex": start, "count": 2}
        page = server.scim().get(f"{server.url}/Users", params=params).json()
        assert page["totalResults"] == 5
        assert page["startIndex"] == start
        assert page["itemsPerPage"] == len(page["Resources"])
        seen += [user["id"] for user in page["Resources"]]
    assert seen == ids


def test_if_match_with_a_stale_version_is_412(server: RunningServer) -> None:
    created = create(server, okta_user(unique("etag")))
    url = f"{server.url}/Users/{created['id']}"
    stale = created["meta"]["version"]
    assert patch(server, created["id"], {"op": "replace", "path": "title", "value": "A"}).ok
    response = server.scim().put(
        url, json=okta_user(created["userName"]), headers={"If-Match": stale}
    )
    assert response.status_code == 412
    assert server.scim().get(url).json()["title"] == "A"


def test_if_none_match_current_version_is_304(server: RunningServer) -> None:
    created = create(server, okta_user(unique("cache")))
    url = f"{server.url}/Users/{created['id']}"
    response = server.scim().get(url, headers={"If-None-Match": created["meta"]["version"]})
    assert response.status_code == 304


def test_patch_remove_active_leaves_it_unassigned(server: RunningServer) -> None:
    created = create(server, okta_user(unique("unassigned")))
    response = patch(server, created["id"], {"op": "remove", "path": "active"})
    assert response.status_code == 200
    assert "active" not in response.json()
    params = {"filter": f'userName eq "{created["userName"]}" and active pr'}
    assert server.scim().get(f"{server.url}/Users", params=params).json()["totalResults"] == 0


def test_root_search_spans_users_and_groups(server: RunningServer) -> None:
    created = create(server, okta_user(unique("root")))
    group = (
        server.scim()
        .post(
            f"{server.url}/Groups",
            json={
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": created["id"],
            },
        )
        .json()
    )
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": f'id eq "{created["id"]}" or id eq "{group["id"]}"',
    }
    found = server.scim().post(f"{server.url}/.search", json=body).json()
    assert found["totalResults"] == 2
    assert [resource["id"] for resource in found["Resources"]] == [created["id"], group["id"]]
