"""Authenticators: headers, the secrets they declare, OAuth client credentials, the environment."""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote_plus

import pytest
import requests

from harness.transport.auth import (
    AuthError,
    auth_from_env,
    basic,
    bearer,
    client_credentials,
    header_token,
    no_auth,
)
from harness.transport.client import Transport, TransportOptions

CLIENT_SECRET = "s3cret+/=value"
ACCESS_TOKEN = "issued-access-token-123"


class TokenServer(ThreadingHTTPServer):
    """A token endpoint at /token and a SCIM endpoint echoing what it received, on loopback."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer: tuple[int, Any] = (200, _grant(3600))
        self.token_requests: list[dict[str, Any]] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


def _grant(expires_in: object, **extra: object) -> dict[str, object]:
    return {"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": expires_in, **extra}


class _Handler(BaseHTTPRequestHandler):
    server: TokenServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        self.server.token_requests.append(
            {"authorization": self.headers.get("Authorization"), "form": parse_qs(body)}
        )
        status, answer = self.server.answer
        self._send(status, answer if isinstance(answer, bytes) else json.dumps(answer).encode())

    def do_GET(self) -> None:
        echo: dict[str, Any] = {"schemas": [], "youSent": self.headers.get("Authorization")}
        self._send(200, json.dumps(echo).encode())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def idp() -> Iterator[TokenServer]:
    with TokenServer() as server:
        thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
        thread.start()
        yield server
        server.shutdown()
        thread.join(5)


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as plain:
        plain.trust_env = False
        yield plain


def test_static_modes(session: requests.Session) -> None:
    assert bearer("tok1").headers(session) == {"Authorization": "Bearer tok1"}
    assert header_token("tok1").headers(session) == {"Authorization": "tok1"}
    assert no_auth().headers(session) == {} and no_auth().secrets == ()
    encoded = base64.b64encode(b"ann:pass word").decode()
    auth = basic("ann", "pass word")
    assert auth.headers(session) == {"Authorization": f"Basic {encoded}"}
    assert set(auth.secrets) == {"pass word", encoded}


def test_secrets_never_show_in_repr() -> None:
    for auth in (
        bearer("tok-xyz"),
        basic("u", "tok-xyz"),
        client_credentials("http://h", "c", "tok-xyz"),
    ):
        assert "tok-xyz" not in repr(auth)


@pytest.mark.parametrize("token", ["", "a\r\nX-Injected: 1"])
def test_unusable_tokens_are_refused(token: str) -> None:
    with pytest.raises(AuthError):
        bearer(token)


def test_client_credentials_fetches_and_caches_a_bearer_token(
    idp: TokenServer, session: requests.Session
) -> None:
    auth = client_credentials(f"{idp.url}/token", "client 1", CLIENT_SECRET, scope="scim")
    assert auth.headers(session) == {"Authorization": f"Bearer {ACCESS_TOKEN}"}
    assert auth.headers(session) == {"Authorization": f"Bearer {ACCESS_TOKEN}"}
    assert len(idp.token_requests) == 1  # cached until expires_in - 30 s
    sent = idp.token_requests[0]
    assert sent["form"] == {"grant_type": ["client_credentials"], "scope": ["scim"]}
    # RFC 6749 2.3.1: id and secret are form-encoded, then sent as HTTP Basic.
    basic_pair = f"{quote_plus('client 1')}:{quote_plus(CLIENT_SECRET)}".encode()
    assert sent["authorization"] == f"Basic {base64.b64encode(basic_pair).decode()}"
    assert CLIENT_SECRET in auth.secrets and ACCESS_TOKEN in auth.secrets


@pytest.mark.parametrize("expires_in", [30, 5, "12", None, "soon"])
def test_a_token_near_or_of_unknown_expiry(
    idp: TokenServer, session: requests.Session, expires_in: object
) -> None:
    idp.answer = (200, _grant(expires_in))
    auth = client_credentials(f"{idp.url}/token", "c", CLIENT_SECRET)
    auth.headers(session)
    auth.headers(session)
    short_lived = expires_in in (30, 5, "12")  # within the 30 s margin: fetched every time
    assert len(idp.token_requests) == (2 if short_lived else 1)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ((401, {"error": "invalid_client", "error_description": f"bad {CLIENT_SECRET}"}), "401"),
        ((200, b"<html>login</html>"), "without a JSON object"),
        ((200, {"token_type": "Bearer"}), "access_token"),
        ((200, _grant(60, token_type="mac")), "only Bearer"),
    ],
    ids=["refused", "not-json", "no-token", "not-bearer"],
)
def test_token_endpoint_failures_are_clear_and_secret_free(
    idp: TokenServer, session: requests.Session, answer: tuple[int, Any], expected: str
) -> None:
    idp.answer = answer
    auth = client_credentials(f"{idp.url}/token", "c", CLIENT_SECRET)
    with pytest.raises(AuthError, match=expected) as caught:
        auth.headers(session)
    assert CLIENT_SECRET not in str(caught.value)
    assert quote_plus(CLIENT_SECRET) not in str(caught.value)
    if answer[0] == 401:
        assert "invalid_client" in str(caught.value)


def test_an_unreachable_token_endpoint(session: requests.Session) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    auth = client_credentials(f"http://127.0.0.1:{port}/token", "c", CLIENT_SECRET)
    with pytest.raises(AuthError, match="could not be reached") as caught:
        auth.headers(session)
    assert CLIENT_SECRET not in str(caught.value)
    assert caught.value.__cause__ is None


def test_the_transport_sends_and_scrubs_the_fetched_token(idp: TokenServer) -> None:
    auth = client_credentials(f"{idp.url}/token", "c", CLIENT_SECRET)
    with Transport(f"{idp.url}/scim/v2", auth, TransportOptions(timeout=5)) as transport:
        exchange = transport.send("GET", "Users")
    assert exchange.error is None and exchange.response is not None
    assert exchange.response.json()["youSent"] == "Bearer [REDACTED]"
    dumped = json.dumps(exchange.to_dict())
    assert ACCESS_TOKEN not in dumped and CLIENT_SECRET not in dumped


def test_auth_from_env_reads_secrets_from_the_environment_only(
    idp: TokenServer, session: requests.Session
) -> None:
    env = {
        "SCIM_TOKEN": " tok-env\n",
        "MY_TOKEN": "other",
        "SCIM_BASIC_USER": "ann",
        "SCIM_BASIC_PASSWORD": "pw-1234",
        "SCIM_CLIENT_SECRET": CLIENT_SECRET,
    }
    assert auth_from_env("bearer", env).headers(session) == {"Authorization": "Bearer tok-env"}
    assert auth_from_env("header", env).headers(session) == {"Authorization": "tok-env"}
    mine = auth_from_env("bearer", env, token_env="MY_TOKEN")
    assert mine.headers(session) == {"Authorization": "Bearer other"}
    assert "pw-1234" in auth_from_env("basic", env).secrets
    assert auth_from_env("none", {}).headers(session) == {}
    oauth = auth_from_env("oauth", env, token_url=f"{idp.url}/token", client_id="c")
    assert oauth.headers(session) == {"Authorization": f"Bearer {ACCESS_TOKEN}"}


@pytest.mark.parametrize(
    ("mode", "options", "message"),
    [
        ("bearer", {}, "set SCIM_TOKEN to the target's bearer token"),
        ("bearer", {"token_env": "VENDOR_TOKEN"}, "set VENDOR_TOKEN to"),
        ("header", {}, "set SCIM_TOKEN to"),
        ("basic", {}, "set SCIM_BASIC_USER to"),
        ("oauth", {"token_url": "http://127.0.0.1/t", "client_id": "c"}, "set SCIM_CLIENT_SECRET"),
        ("oauth", {}, "token_url, client_id"),
        ("kerberos", {}, "choose one of: basic, bearer, header, none, oauth"),
        ("bearer", {"token": "x"}, "unknown auth option 'token'"),
    ],
)
def test_auth_from_env_errors(mode: str, options: dict[str, str], message: str) -> None:
    with pytest.raises(AuthError) as caught:
        auth_from_env(mode, {"SCIM_TOKEN": ""}, **options)
    assert message in str(caught.value)
