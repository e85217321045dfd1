"""POST /Bulk over real HTTP (RFC 7644 3.7): bulkId references resolved in any order, each
operation answered as its own request, failOnErrors, and the declared limits held with 413."""

from __future__ import annotations

import json
import uuid
from typing import Any

import requests

from tests.support.reference import RunningServer

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def user(bulk_id: str, name: str) -> dict[str, Any]:
    data = {"schemas": [USER], "userName": name}
    return {"method": "POST", "path": "/Users", "bulkId": bulk_id, "data": data}


def unique() -> str:
    return f"b-{uuid.uuid4().hex[:8]}@example.com"


def bulk(server: RunningServer, *operations: Any, **extra: Any) -> requests.Response:
    body = {"schemas": [BULK_REQUEST], "Operations": list(operations), **extra}
    return server.scim().post(f"{server.url}/Bulk", json=body)


def results(response: requests.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["schemas"] == [BULK_RESPONSE]
    operations: list[dict[str, Any]] = answer["Operations"]
    return operations


def test_the_service_provider_config_declares_the_limits_it_holds(server: RunningServer) -> None:
    config = server.scim().get(f"{server.url}/ServiceProviderConfig").json()
    assert config["bulk"] == {"supported": True, "maxOperations": 1000, "maxPayloadSize": 524288}


def test_a_group_naming_a_user_created_later_in_the_request_gets_them(
    server: RunningServer,
) -> None:
    members = [{"value": "bulkId:ann"}]
    group = {"schemas": [GROUP], "displayName": f"g-{uuid.uuid4().hex[:8]}", "members": members}
    rename = {"op": "replace", "path": "displayName", "value": "Ann B."}
    answered = results(
        bulk(
            server,
            {"method": "POST", "path": "/Groups", "bulkId": "team", "data": group},
            user("ann", unique()),
            {
                "method": "PATCH",
                "path": "/Users/bulkId:ann",
                "data": {"schemas": [PATCH], "Operations": [rename]},
            },
        )
    )
    assert [(r["method"], r.get("bulkId"), r["status"]) for r in answered] == [
        ("POST", "team", "201"),
        ("POST", "ann", "201"),
        ("PATCH", None, "200"),
    ]
    ann = server.scim().get(answered[1]["location"]).json()
    team = server.scim().get(answered[0]["location"]).json()
    assert [m["value"] for m in team["members"]] == [ann["id"]]
    assert ann["displayName"] == "Ann B."
    assert answered[2]["location"] == answered[1]["location"]
    assert answered[2]["version"] == server.scim().get(answered[1]["location"]).headers["ETag"]


def test_each_failure_is_answered_in_its_operation_and_the_rest_goes_on(
    server: RunningServer,
) -> None:
    taken = unique()
    answered = results(
        bulk(
            server,
            user("first", taken),
            user("again", taken),
            {"method": "DELETE", "path": "/Users/bulkId:again"},
            {"method": "DELETE", "path": f"/Users/{uuid.uuid4()}"},
            {"method": "GET", "path": "/Users"},
            user("after", unique()),
        )
    )
    assert [r["status"] for r in answered] == ["201", "409", "409", "404", "400", "201"]
    duplicate = answered[1]
    assert "location" not in duplicate  # RFC 7644 3.7.3: none for a failed POST
    assert duplicate["response"]["schemas"] == [ERROR]
    assert duplicate["response"]["scimType"] == "uniqueness"
    assert "location" in answered[3]


def test_a_version_is_an_if_match_and_a_stale_one_is_412(server: RunningServer) -> None:
    created = results(bulk(server, user("v", unique())))[0]
    path = "/Users/" + created["location"].rsplit("/", 1)[1]
    answered = results(
        bulk(
            server,
            {"method": "DELETE", "path": path, "version": 'W/"99"'},
            {"method": "DELETE", "path": path, "version": "é"},
            {"method": "DELETE", "path": path, "version": created["version"]},
        )
    )
    assert [r["status"] for r in answered] == ["412", "400", "204"]


def test_a_bulk_id_used_twice_is_refused_the_second_time(server: RunningServer) -> None:
    answered = results(bulk(server, user("same", unique()), user("same", unique())))
    assert [r["status"] for r in answered] == ["201", "400"]
    assert "used by an earlier operation" in answered[1]["response"]["detail"]


def test_fail_on_errors_stops_the_request_at_that_many_errors(server: RunningServer) -> None:
    taken = unique()
    answered = results(
        bulk(
            server,
            user("a", taken),
            user("b", taken),
            user("c", taken),
            user("d", unique()),
            failOnErrors=2,
        )
    )
    assert [r["status"] for r in answered] == ["201", "409", "409"]


def test_a_cycle_of_references_is_refused_with_409(server: RunningServer) -> None:
    def group(bulk_id: str, other: str) -> dict[str, Any]:
        data = {
            "schemas": [GROUP],
            "displayName": f"g-{uuid.uuid4().hex[:8]}",
            "members": [{"value": f"bulkId:{other}"}],
        }
        return {"method": "POST", "path": "/Groups", "bulkId": bulk_id, "data": data}

    answered = results(bulk(server, group("x", "y"), group("y", "x")))
    assert [r["status"] for r in answered] == ["409", "409"]
    assert "names no resource this request creates" in answered[0]["response"]["detail"]


def test_more_operations_than_declared_is_413_naming_the_limit(server: RunningServer) -> None:
    deletes = [{"method": "DELETE", "path": f"/Users/absent-{n}"} for n in range(1001)]
    response = bulk(server, *deletes)
    assert response.status_code == 413
    assert response.json()["schemas"] == [ERROR]
    assert "maxOperations is 1000" in response.json()["detail"]


def test_a_larger_request_than_declared_is_413_naming_the_limit(server: RunningServer) -> None:
    padding = {"op": "replace", "path": "displayName", "value": "x" * 524_288}
    data = {"schemas": [PATCH], "Operations": [padding]}
    response = bulk(server, {"method": "PATCH", "path": "/Users/absent", "data": data})
    assert response.status_code == 413
    assert "maxPayloadSize (524288 bytes)" in response.json()["detail"]


def test_what_is_no_bulk_request_is_400(server: RunningServer) -> None:
    response = server.scim().post(
        f"{server.url}/Bulk",
        data=json.dumps({"Operations": []}),
        headers={"Content-Type": "application/scim+json"},
    )
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidSyntax"


def test_bulk_needs_the_token(server: RunningServer) -> None:
    response = requests.post(f"{server.url}/Bulk", json={"schemas": [BULK_REQUEST]}, timeout=10)
    assert response.status_code == 401
