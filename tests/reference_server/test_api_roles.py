"""`/Roles`, the team's roles in the shape of Okta's entitlement discovery, over real HTTP: listed
and advertised, paged with `count` honoured exactly, read by id, and never written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.reference import RunningServer, start_server

ROLE = "urn:okta:scim:schemas:core:1.0:Role"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def get(server: RunningServer, path: str, **params: str) -> requests.Response:
    return server.scim().get(f"{server.url}{path}", params=params)


def listed(server: RunningServer, **params: str) -> dict[str, Any]:
    response = get(server, "/Roles", **params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["schemas"] == [LIST]
    return body


def test_every_role_of_the_team_is_listed_in_the_apps_order(server: RunningServer) -> None:
    body = listed(server)
    assert (body["totalResults"], body["startIndex"], body["itemsPerPage"]) == (3, 1, 3)
    assert [role["id"] for role in body["Resources"]] == ["owner", "admin", "member"]
    member = body["Resources"][2]
    assert member["schemas"] == [ROLE]
    assert member["displayName"] == "Member"
    assert "every provisioned or reactivated member" in member["description"]
    assert member["meta"] == {"resourceType": "Role", "location": f"{server.url}/Roles/member"}


@pytest.mark.parametrize(
    ("start", "count", "ids"),
    [
        ("1", "1", ["owner"]),  # Okta's Entitlements test: itemsPerPage must be 1
        ("2", "1", ["admin"]),
        ("2", "5", ["admin", "member"]),
        ("3", "1", ["member"]),
        ("4", "1", []),
        ("0", "2", ["owner", "admin"]),  # RFC 7644 3.4.2.4: below 1 is read as 1
        ("1", "0", []),
        ("1", "-3", []),  # a negative count is read as 0
    ],
)
def test_pages_honour_start_index_and_count(
    server: RunningServer, start: str, count: str, ids: list[str]
) -> None:
    body = listed(server, startIndex=start, count=count)
    assert [role["id"] for role in body["Resources"]] == ids
    assert body["itemsPerPage"] == len(ids) and body["totalResults"] == 3
    assert body["startIndex"] == max(1, int(start))


def test_one_role_by_id_and_an_unknown_one_is_a_scim_404(server: RunningServer) -> None:
    found = get(server, "/Roles/admin")
    assert found.status_code == 200
    assert (found.json()["id"], found.json()["displayName"]) == ("admin", "Admin")
    for unknown in ("Admin", "guest"):  # ids compare exactly (RFC 7643 3.1)
        missing = get(server, f"/Roles/{unknown}")
        assert missing.status_code == 404
        assert missing.json()["schemas"] == [ERROR] and missing.json()["status"] == "404"


def test_attributes_pick_what_a_role_answer_carries(server: RunningServer) -> None:
    one = get(server, "/Roles/owner", attributes="displayName").json()
    assert set(one) == {"schemas", "id", "displayName"}
    page = listed(server, excludedAttributes="description")
    assert all("description" not in role for role in page["Resources"])


def test_roles_are_read_only_and_say_which_method_they_take(server: RunningServer) -> None:
    client, body = server.scim(), {"schemas": [ROLE], "displayName": "Guest"}
    for answer in (
        client.post(f"{server.url}/Roles", json=body),
        client.put(f"{server.url}/Roles/member", json=body),
        client.patch(f"{server.url}/Roles/member", json=body),
        client.delete(f"{server.url}/Roles/member"),
    ):
        assert answer.status_code == 405, answer.text
        assert answer.json()["schemas"] == [ERROR] and answer.json()["status"] == "405"
        assert answer.json()["detail"].startswith("Roles are read-only")
        assert answer.headers["Allow"] == "GET, HEAD"
    assert listed(server)["totalResults"] == 3


@pytest.mark.parametrize(
    ("params", "scim_type"),
    [
        ({"filter": 'displayName eq "Admin"'}, "invalidFilter"),
        ({"sortBy": "displayName"}, "invalidValue"),
        ({"cursor": ""}, "invalidValue"),
    ],
)
def test_what_roles_cannot_do_is_refused_not_ignored(
    server: RunningServer, params: dict[str, str], scim_type: str
) -> None:
    refused = get(server, "/Roles", **params)
    assert refused.status_code == 400
    assert refused.json()["scimType"] == scim_type


def test_roles_need_the_teams_credentials(server: RunningServer) -> None:
    assert requests.get(f"{server.url}/Roles", timeout=10).status_code == 401
    assert requests.get(f"{server.url}/Roles/member", timeout=10).status_code == 401


def test_discovery_advertises_roles_beside_users_and_groups(server: RunningServer) -> None:
    types = get(server, "/ResourceTypes").json()["Resources"]
    assert [t["name"] for t in types] == ["User", "Group", "Role"]
    role = get(server, "/ResourceTypes/Role").json()
    assert (role["endpoint"], role["schema"]) == ("/Roles", ROLE)
    schema = get(server, f"/Schemas/{ROLE}").json()
    assert {a["name"]: a["mutability"] for a in schema["attributes"]} == {
        "displayName": "readOnly",
        "description": "readOnly",
    }
    assert ROLE in {s["id"] for s in get(server, "/Schemas").json()["Resources"]}


def test_a_members_roles_name_a_listed_role(server: RunningServer) -> None:
    created = server.scim().post(
        f"{server.url}/Users", json={"schemas": [USER], "userName": "roles-reader@example.test"}
    )
    assert created.status_code == 201, created.text
    held = [entry["value"] for entry in created.json()["roles"]]
    assert held == ["member"]
    assert get(server, f"/Roles/{held[0]}").status_code == 200


def test_without_entitlements_the_server_has_no_roles_to_discover(tmp_path: Path) -> None:
    """`/Roles` is served only with `serve --entitlements`: a generic tester that writes to every
    resource type it discovers finds none that is read-only on a plain server."""
    plain = start_server(tmp_path / "plain.db", entitlements=False)
    try:
        types = get(plain, "/ResourceTypes").json()["Resources"]
        assert [t["name"] for t in types] == ["User", "Group"]
        assert ROLE not in {s["id"] for s in get(plain, "/Schemas").json()["Resources"]}
        assert get(plain, "/Roles").status_code == 404
        assert get(plain, "/ResourceTypes/Role").status_code == 404
    finally:
        plain.stop()
