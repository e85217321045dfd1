"""Bad requests get a SCIM Error with the right status and scimType, never a 5xx."""

from __future__ import annotations

import pytest
import requests

from tests.support.reference import RunningServer

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def assert_error(response: requests.Response, status: int, scim_type: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/scim+json")
    body = response.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    assert body.get("scimType") == scim_type


def test_missing_token_is_401_with_www_authenticate(server: RunningServer) -> None:
    response = requests.get(f"{server.url}/Users", timeout=10)
    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_wrong_token_is_401(server: RunningServer) -> None:
    assert_error(server.scim("wrong").get(f"{server.url}/Users"), 401)


def test_token_without_bearer_prefix_is_accepted(server: RunningServer) -> None:
    session = server.scim()
    session.headers["Authorization"] = str(session.headers["Authorization"]).removeprefix("Bearer ")
    assert session.get(f"{server.url}/Users").status_code == 200


def test_unknown_id_is_404(server: RunningServer) -> None:
    assert_error(server.scim().get(f"{server.url}/Users/12345"), 404)
    assert_error(server.scim().get(f"{server.url}/Users/..%2F..%2Fetc"), 404)


def test_unknown_route_and_method(server: RunningServer) -> None:
    assert_error(server.scim().get(f"{server.url}/Nope"), 404)
    response = server.scim().delete(f"{server.url}/Users")
    assert_error(response, 405)


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        (b'{"schemas": [', "invalidSyntax"),
        (b"[1, 2]", "invalidSyntax"),
        (b'{"schemas": ["' + USER.encode() + b'"], "userName": NaN}', "invalidSyntax"),
        (b'{"userName": "x"}', "invalidSyntax"),
        (b'{"schemas": ["' + USER.encode() + b'"], "userName": 123}', "invalidValue"),
        (b'{"schemas": ["' + USER.encode() + b'"], "userName": "  "}', "invalidValue"),
        (b"[" * 200 + b"]" * 200, "invalidSyntax"),
    ],
)
def test_bad_bodies_are_400(server: RunningServer, body: bytes, scim_type: str) -> None:
    assert_error(server.scim().post(f"{server.url}/Users", data=body), 400, scim_type)


def test_wrong_media_type_is_415(server: RunningServer) -> None:
    response = server.scim().post(
        f"{server.url}/Users", data=b"{}", headers={"Content-Type": "text/plain"}
    )
    assert_error(response, 415)


def test_oversized_body_is_413(server: RunningServer) -> None:
    body = b'{"schemas": [], "userName": "' + b"x" * 2_000_000 + b'"}'
    assert_error(server.scim().post(f"{server.url}/Users", data=body), 413)


@pytest.mark.parametrize(
    "expression",
    ["userName eq", 'nosuch eq "x"', "active gt true", '(userName eq "a"', "x" * 5000],
)
def test_bad_filters_are_invalid_filter(server: RunningServer, expression: str) -> None:
    response = server.scim().get(f"{server.url}/Users", params={"filter": expression})
    assert_error(response, 400, "invalidFilter")


@pytest.mark.parametrize(
    ("params", "status"),
    [({"startIndex": "0"}, 200), ({"count": "-1"}, 200), ({"count": "abc"}, 400)],
)
def test_paging_parameters(server: RunningServer, params: dict[str, str], status: int) -> None:
    response = server.scim().get(f"{server.url}/Users", params=params)
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["startIndex"] == 1
        if params.get("count") == "-1":
            assert body["Resources"] == [] and body["itemsPerPage"] == 0
