"""JWT client authentication at the token endpoint (RFC 7523 2.2 and 3, docs/oauth.md): a client
assertion signed by a key the team's client registered is exchanged for a token; one that breaks
a rule of RFC 7523 3 is refused with invalid_client (RFC 6749 5.2), saying which."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec

from harness.transport.client_key import (
    ASSERTION_TYPE,
    ClientKey,
    load_private_key,
    new_key_pair,
    public_jwk,
    signed_jwt,
)
from reference_server.client_assertion import (
    AssertionRefusedError,
    KeySet,
    KeySetError,
    verify,
)
from tests.support.reference import CLIENT_ID, CLIENT_KEYS, CLIENT_SECRET, RunningServer

GRANT = {"grant_type": "client_credentials"}
KEY = ClientKey(load_private_key(CLIENT_KEYS.pem), CLIENT_KEYS.pem, CLIENT_KEYS.kid)


def assertion_form(assertion: str) -> dict[str, str]:
    return GRANT | {"client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion}


def post(server: RunningServer, data: dict[str, str], **kwargs: Any) -> requests.Response:
    return requests.post(server.token_url, data=data, timeout=10, **kwargs)


def claims(server: RunningServer, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": CLIENT_ID,
        "sub": CLIENT_ID,
        "aud": server.token_url,
        "iat": now,
        "exp": now + 60,
        "jti": os.urandom(8).hex(),
    }
    return {k: v for k, v in (base | changes).items() if v is not None}


def refused(response: requests.Response, says: str) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["error"] == "invalid_client"
    assert says in body["error_description"], body
    assert response.headers["Cache-Control"] == "no-store"


def test_a_signed_assertion_gets_a_token_the_scim_api_accepts(server: RunningServer) -> None:
    answer = post(server, assertion_form(KEY.assertion(CLIENT_ID, server.token_url)))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "scim"
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert requests.get(f"{server.url}/Users", headers=headers, timeout=10).status_code == 200


def test_client_id_beside_the_assertion_must_be_the_client(server: RunningServer) -> None:
    form = assertion_form(KEY.assertion(CLIENT_ID, server.token_url))
    assert post(server, form | {"client_id": CLIENT_ID}).status_code == 200
    form = assertion_form(KEY.assertion(CLIENT_ID, server.token_url))
    refused(post(server, form | {"client_id": "someone-else"}), "Client authentication failed")


@pytest.mark.parametrize(
    ("variant", "says"),
    [
        ("forged", "signature is invalid"),
        ("expired", "expired"),
        ("wrong-aud", '"aud" does not name'),
    ],
)
def test_a_broken_assertion_is_refused(server: RunningServer, variant: str, says: str) -> None:
    refused(post(server, assertion_form(KEY.assertion(CLIENT_ID, server.token_url, variant))), says)


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"iss": "someone-else"}, '"iss" is not the client_id'),
        ({"sub": "someone-else"}, '"sub" is not the client_id'),
        ({"exp": None}, 'no "exp"'),
        ({"nbf": int(time.time()) + 3600}, "not valid yet"),
        ({"aud": ["https://elsewhere.example/token"]}, '"aud" does not name'),
    ],
)
def test_claims_breaking_rfc_7523_3_are_refused(
    server: RunningServer, changes: dict[str, Any], says: str
) -> None:
    token = signed_jwt(KEY.key, KEY.header(), claims(server, **changes))
    refused(post(server, assertion_form(token)), says)


def test_an_audience_list_naming_the_endpoint_is_accepted(server: RunningServer) -> None:
    token = signed_jwt(KEY.key, KEY.header(), claims(server, aud=["x", server.token_url]))
    assert post(server, assertion_form(token)).status_code == 200


def test_a_replayed_assertion_is_refused(server: RunningServer) -> None:
    form = assertion_form(KEY.assertion(CLIENT_ID, server.token_url))
    assert post(server, form).status_code == 200
    refused(post(server, form), "jti was used before")


def test_unknown_kid_and_unsigned_algorithms_are_refused(server: RunningServer) -> None:
    token = signed_jwt(KEY.key, {"alg": "RS256", "kid": "other"}, claims(server))
    refused(post(server, assertion_form(token)), "No registered key with kid 'other'")
    head, body, _ = signed_jwt(KEY.key, {"alg": "none"}, claims(server)).split(".")
    refused(post(server, assertion_form(f"{head}.{body}.")), "'none' is not accepted")
    refused(post(server, assertion_form("not-a-jwt")), "not a signed JWT")


def test_one_method_at_a_time(server: RunningServer) -> None:
    form = assertion_form(KEY.assertion(CLIENT_ID, server.token_url))
    answer = post(server, form | {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"
    wrong_type = form | {"client_assertion_type": "urn:example:other"}
    refused(post(server, wrong_type), "client_assertion_type must be")


def test_a_team_without_keys_refuses_assertions(tmp_path: Path) -> None:
    from tests.support.reference import start_server

    server = start_server(tmp_path / "db.sqlite", env={"SCIM_CLIENT_JWKS": ""})
    try:
        form = assertion_form(KEY.assertion(CLIENT_ID, server.token_url))
        refused(post(server, form), "Client authentication failed")
        secret = post(server, GRANT | {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
        assert secret.status_code == 200  # the client secret keeps working
    finally:
        server.stop()


def test_serve_refuses_a_private_or_unusable_key_set(tmp_path: Path) -> None:
    private = json.loads(CLIENT_KEYS.jwks)["keys"][0] | {"d": "AQAB"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCIM_")}
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    for jwks in (json.dumps({"keys": [private]}), "{}", str(tmp_path / "missing.json")):
        done = subprocess.run(
            [sys.executable, "-m", "reference_server", "team", "add", "acme", "--db", db],
            capture_output=True,
            text=True,
            env=env | {"SCIM_CLIENT_JWKS": jwks},
            timeout=60,
        )
        assert done.returncode != 0, done.stdout
        assert "SCIM_CLIENT_JWKS" in done.stderr or "missing.json" in done.stderr, done.stderr


# ES256 and the key set, below the HTTP layer.


def _es256() -> tuple[ClientKey, KeySet]:
    key = ec.generate_private_key(ec.SECP256R1())
    jwks = json.dumps({"keys": [public_jwk(key, "ec")]})
    return ClientKey(key, "", "ec"), KeySet.parse(jwks)


def test_es256_assertions_verify_and_forgeries_do_not() -> None:
    key, keys = _es256()
    aud = "http://127.0.0.1/t/acme/oauth/token"
    verified = verify(key.assertion("c", aud), keys, "c", aud, time.time())
    assert verified.jti
    with pytest.raises(AssertionRefusedError, match="ES256 signature is invalid"):
        verify(key.assertion("c", aud, "forged"), keys, "c", aud, time.time())


def test_faults_can_skip_the_signature_and_expiry_rules() -> None:
    key, keys = _es256()
    aud = "http://127.0.0.1/t/acme/oauth/token"
    verify(key.assertion("c", aud, "forged"), keys, "c", aud, time.time(), signature=False)
    verify(key.assertion("c", aud, "expired"), keys, "c", aud, time.time(), expiry=False)


def test_a_key_without_kid_is_found_by_algorithm() -> None:
    pair = new_key_pair()
    key = ClientKey(load_private_key(pair.pem), pair.pem)  # sends no kid
    aud = "http://127.0.0.1/token"
    assert verify(key.assertion("c", aud), KeySet.parse(pair.jwks), "c", aud, time.time())


@pytest.mark.parametrize(
    "jwks",
    ['{"keys": []}', '{"keys": [{"kty": "oct", "k": "AQAB"}]}', "not json"],
)
def test_unusable_key_sets_are_refused(jwks: str) -> None:
    with pytest.raises(KeySetError):
        KeySet.parse(jwks)
