"""The team's OAuth 2.0 token endpoint (docs/oauth.md): the client credentials grant of RFC 6749
4.4, by HTTP Basic and by the body, its refusals (RFC 6749 5.2), and its tokens on the SCIM API."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

import pytest
import requests

from tests.support.reference import CLIENT_ID, CLIENT_SECRET, RunningServer

GRANT = {"grant_type": "client_credentials"}
BODY_CLIENT = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
# RFC 6749 2.3.1: the secret is form-encoded before Basic joins it; it holds + / = %.
BASIC = (CLIENT_ID, quote_plus(CLIENT_SECRET))


def post(server: RunningServer, data: Any, **kwargs: Any) -> requests.Response:
    return requests.post(server.token_url, data=data, timeout=10, **kwargs)


def scim_list(server: RunningServer, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return requests.get(f"{server.url}/Users", headers=headers, timeout=10).status_code


def assert_no_store(response: requests.Response) -> None:
    # RFC 6749 5.1: "MUST include ... Cache-Control ... no-store ... Pragma ... no-cache".
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"


def assert_refused(response: requests.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["error"] == error
    assert response.json()["error_description"]
    assert_no_store(response)


@pytest.mark.parametrize("how", ["basic", "body"])
def test_a_client_gets_a_bearer_token_the_scim_api_accepts(server: RunningServer, how: str) -> None:
    if how == "basic":
        answer = post(server, GRANT, auth=BASIC)
    else:
        answer = post(server, GRANT | BODY_CLIENT)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    assert_no_store(answer)
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["scope"] == "scim"
    assert scim_list(server, body["access_token"]) == 200


def test_an_issued_token_is_not_an_app_probe_token(server: RunningServer) -> None:
    token = post(server, GRANT | BODY_CLIENT).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    probe = requests.get(f"{server.app_url}/members/nobody", headers=headers, timeout=10)
    assert probe.status_code == 401


def test_a_wrong_secret_is_invalid_client_with_a_basic_challenge(server: RunningServer) -> None:
    by_basic = post(server, GRANT, auth=(CLIENT_ID, "wrong"))
    assert_refused(by_basic, 401, "invalid_client")
    # RFC 6749 5.2: after Basic, 401 with a challenge for the scheme the client used.
    assert by_basic.headers["WWW-Authenticate"].startswith("Basic ")
    wrong_in_body = post(server, GRANT | BODY_CLIENT | {"client_secret": "x"})
    assert_refused(wrong_in_body, 401, "invalid_client")
    assert_refused(post(server, GRANT), 401, "invalid_client")  # no client authentication
    other = server.token_url.replace("/t/acme/", "/t/nobody/")
    unknown_team = requests.post(other, data=GRANT | BODY_CLIENT, timeout=10)
    assert_refused(unknown_team, 401, "invalid_client")  # the same answer: no team probing


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "password", "username": "a", "password": "b"}, "unsupported_grant_type"),
        ({"grant_type": "authorization_code", "code": "c"}, "unsupported_grant_type"),
        (GRANT | {"scope": "admin"}, "invalid_scope"),
        ({}, "invalid_request"),  # grant_type is REQUIRED (RFC 6749 4.4.2)
        ("grant_type=client_credentials&grant_type=client_credentials", "invalid_request"),
        ("grant_type=client_credentials&%zz", "invalid_request"),
    ],
)
def test_refusals_of_rfc_6749_5_2(server: RunningServer, form: Any, error: str) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = post(server, form, auth=BASIC, headers=headers)
    assert_refused(answer, 400, error)


def test_a_scope_of_scim_is_granted(server: RunningServer) -> None:
    answer = post(server, GRANT | BODY_CLIENT | {"scope": "scim"})
    assert answer.status_code == 200 and answer.json()["scope"] == "scim"


def test_the_form_is_the_only_body(server: RunningServer) -> None:
    as_json = requests.post(server.token_url, json=GRANT | BODY_CLIENT, timeout=10)
    assert_refused(as_json, 400, "invalid_request")


def test_two_ways_of_authenticating_at_once_are_refused(server: RunningServer) -> None:
    # RFC 6749 2.3: "The client MUST NOT use more than one authentication method in each request."
    answer = post(server, GRANT | BODY_CLIENT, auth=BASIC)
    assert_refused(answer, 400, "invalid_request")


def test_only_post_is_served(server: RunningServer) -> None:
    assert requests.get(server.token_url, params=GRANT, timeout=10).status_code == 405


def test_an_expired_token_is_refused(server_factory: Callable[..., RunningServer]) -> None:
    server = server_factory()
    token = post(server, GRANT | BODY_CLIENT).json()["access_token"]
    assert scim_list(server, token) == 200
    with sqlite3.connect(server.db.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE access_tokens SET expires_at = ?", (time.time() - 1,))
    assert scim_list(server, token) == 401


def test_the_lifetime_is_configurable(server_factory: Callable[..., RunningServer]) -> None:
    running = server_factory("--token-lifetime", "360")
    assert post(running, GRANT | BODY_CLIENT).json()["expires_in"] == 360 * 60
