"""`--auth oauth-jwt`: the run's token comes from the client credentials grant with the client
authenticated by a JWT it signs (RFC 7523 2.2), against the reference server's token endpoint."""

from __future__ import annotations

import json

import pytest

from harness.transport.auth import AuthError, auth_from_env
from harness.transport.client import Transport, TransportOptions
from harness.transport.client_key import new_key_pair
from tests.support.reference import CLIENT_ID, CLIENT_KEYS, RunningServer


def test_a_signed_assertion_buys_the_run_its_token(server: RunningServer) -> None:
    env = {"SCIM_CLIENT_KEY": CLIENT_KEYS.pem, "SCIM_CLIENT_KEY_ID": CLIENT_KEYS.kid}
    auth = auth_from_env("oauth-jwt", env, token_url=server.token_url, client_id=CLIENT_ID)
    with Transport(server.url, auth, TransportOptions(timeout=10)) as scim:
        exchange = scim.send("GET", "/Users", params={"count": "1"})
    assert exchange.response is not None and exchange.response.status == 200
    assert exchange.request.headers["Authorization"] == "[REDACTED]"
    # The key's lines and the assertion it signed are scrubbed like the token.
    secrets = auth.secrets
    assert all(line in secrets for line in CLIENT_KEYS.pem.splitlines()[1:-1])
    assert any(s.count(".") == 2 and len(s) > 200 for s in secrets)  # the assertion
    dumped = json.dumps(exchange.to_dict())
    assert not [s for s in secrets if s in dumped]


def test_a_key_the_server_never_registered_is_refused_and_named_nowhere(
    server: RunningServer,
) -> None:
    stranger = new_key_pair("test-key")
    env = {"SCIM_CLIENT_KEY": stranger.pem, "SCIM_CLIENT_KEY_ID": stranger.kid}
    auth = auth_from_env("oauth-jwt", env, token_url=server.token_url, client_id=CLIENT_ID)
    with (
        Transport(server.url, auth, TransportOptions(timeout=10)) as scim,
        pytest.raises(AuthError) as refused,
    ):
        scim.send("GET", "/Users")
    assert "invalid_client" in str(refused.value)
    assert not [line for line in stranger.pem.splitlines()[1:-1] if line in str(refused.value)]


def test_oauth_jwt_needs_its_key_and_its_options() -> None:
    with pytest.raises(AuthError, match="set SCIM_CLIENT_KEY"):
        auth_from_env("oauth-jwt", {}, token_url="http://127.0.0.1:1/t", client_id="c")
    with pytest.raises(AuthError, match="oauth-jwt mode needs the option"):
        auth_from_env("oauth-jwt", {"SCIM_CLIENT_KEY": CLIENT_KEYS.pem}, client_id="c")
