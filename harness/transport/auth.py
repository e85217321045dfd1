"""How the harness authenticates to a target, and which secrets redaction must scrub.

Secrets only ever come from the environment (README.md, docs/secrets.md): a flag
value would be visible in `ps` and in shell history. Every error message here is written so that
it can never carry a secret.
"""

from __future__ import annotations

import base64
import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote_plus

import requests
import urllib3

from harness.transport.auth_error import AuthError as AuthError
from harness.transport.client_key import ASSERTION_TYPE, ClientKey, client_key
from harness.transport.redaction import redact_text

MODES = ("basic", "bearer", "header", "none", "oauth", "oauth-jwt")
OPTIONS = ("client_id", "scope", "token_env", "token_url")
TOKEN_MARGIN_S = 30.0  # refresh this long before expiry, so a token never dies mid-request
DEFAULT_LIFETIME_S = 300.0  # RFC 6749 5.1 leaves `expires_in` optional; refetching is cheap
TOKEN_TIMEOUT_S = 10.0
MAX_TOKEN_RESPONSE = 64 * 1024


class Auth(Protocol):
    def headers(self, session: requests.Session) -> dict[str, str]: ...

    @property
    def secrets(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class _StaticAuth:
    # repr=False: an authenticator printed in a log or a traceback must not print its secret.
    fixed: Mapping[str, str] = field(repr=False)
    secrets: tuple[str, ...] = field(repr=False)

    def headers(self, session: requests.Session) -> dict[str, str]:
        return dict(self.fixed)


def _checked(value: str, what: str) -> str:
    if not value:
        raise AuthError(f"the {what} is empty")
    if "\r" in value or "\n" in value:
        raise AuthError(f"the {what} contains a line break")  # it would split the HTTP header
    return value


def bearer(token: str) -> Auth:
    token = _checked(token, "bearer token")
    return _StaticAuth({"Authorization": f"Bearer {token}"}, (token,))


def header_token(token: str) -> Auth:
    """The raw token as the whole Authorization value: Okta's "HTTP Header" mode
    (docs/idp/okta.md#headers)."""
    token = _checked(token, "header token")
    return _StaticAuth({"Authorization": token}, (token,))


def _basic_credential(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def basic(user: str, password: str) -> Auth:
    credential = _basic_credential(_checked(user, "basic user"), _checked(password, "password"))
    return _StaticAuth({"Authorization": f"Basic {credential}"}, (password, credential))


def no_auth() -> Auth:
    return _StaticAuth({}, ())


@dataclass
class _ClientCredentials:
    """OAuth 2.0 client credentials grant (RFC 6749 4.4), the access token cached until expiry.
    The client authenticates with its secret (HTTP Basic, RFC 6749 2.3.1) or, given a `key`,
    with a JWT it signs (RFC 7523 2.2), a fresh one for each token request."""

    token_url: str
    client_id: str
    client_secret: str = field(default="", repr=False)
    scope: str | None = None
    key: ClientKey | None = field(default=None, repr=False)
    clock: Callable[[], float] = time.monotonic
    _token: str | None = field(default=None, repr=False)
    _expires_at: float = 0.0
    # Only recent tokens: older ones have expired, and every refresh would otherwise grow the
    # redaction pattern of every later exchange.
    _issued: deque[str] = field(default_factory=lambda: deque(maxlen=8), repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        if self.key is not None:
            return (*self.key.secrets, *self._issued)
        return (self.client_secret, self._client_credential(), *self._issued)

    def headers(self, session: requests.Session) -> dict[str, str]:
        with self._lock:
            if self._token is None or self.clock() >= self._expires_at:
                self._token, lifetime = self._fetch(session)
                self._issued.append(self._token)
                self._expires_at = self.clock() + max(lifetime - TOKEN_MARGIN_S, 0.0)
            return {"Authorization": f"Bearer {self._token}"}

    def _client_credential(self) -> str:
        # RFC 6749 2.3.1: id and secret are form-encoded before they are joined for Basic.
        return _basic_credential(quote_plus(self.client_id), quote_plus(self.client_secret))

    def _fail(self, problem: str) -> AuthError:
        return AuthError(redact_text(f"token endpoint {self.token_url} {problem}", self.secrets))

    def _fetch(self, session: requests.Session) -> tuple[str, float]:
        form = {"grant_type": "client_credentials"}
        if self.scope:
            form["scope"] = self.scope
        headers = {"Accept": "application/json"}
        if self.key is None:
            headers["Authorization"] = f"Basic {self._client_credential()}"
        else:
            form["client_assertion_type"] = ASSERTION_TYPE
            form["client_assertion"] = self.key.assertion(self.client_id, self.token_url)
            # The assertion is a bearer credential while it lives: scrubbed like a token.
            self._issued.append(form["client_assertion"])
        try:
            with session.post(
                self.token_url,
                data=form,
                headers=headers,
                timeout=TOKEN_TIMEOUT_S,
                allow_redirects=False,
                stream=True,
            ) as response:
                raw = response.raw.read(MAX_TOKEN_RESPONSE, decode_content=True)
                status = response.status_code
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            # `from None`: the exception carries the prepared request, Basic credential included.
            raise self._fail(f"could not be reached ({type(exc).__name__})") from None
        return self._parse(status, raw)

    def _parse(self, status: int, raw: bytes) -> tuple[str, float]:
        try:
            document = json.loads(raw.decode("utf-8", errors="replace"))
        except ValueError:
            document = None
        if not isinstance(document, dict):
            raise self._fail(f"answered {status} without a JSON object")
        if status != 200:
            raise self._fail(
                f"refused the client credentials with {status}{_oauth_error(document)}"
            )
        token = document.get("access_token")
        if not isinstance(token, str) or not token or "\n" in token or "\r" in token:
            raise self._fail("answered without a usable access_token")
        token_type = document.get("token_type", "Bearer")
        if not isinstance(token_type, str) or token_type.lower() != "bearer":
            raise self._fail(f"issued a {str(token_type)[:40]!r} token; only Bearer is supported")
        return token, _lifetime(document.get("expires_in"))


def _oauth_error(document: dict[str, Any]) -> str:
    parts = [document.get(key) for key in ("error", "error_description")]
    text = ": ".join(str(part)[:200] for part in parts if isinstance(part, str) and part)
    return f" ({text})" if text else ""


def _lifetime(expires_in: object) -> float:
    """Seconds the token lives; some servers send "3600" as a string, anything odd is unknown."""
    if isinstance(expires_in, bool) or not isinstance(expires_in, int | float | str):
        return DEFAULT_LIFETIME_S
    try:
        seconds = float(expires_in)
    except ValueError:
        return DEFAULT_LIFETIME_S
    return seconds if math.isfinite(seconds) and seconds >= 0 else DEFAULT_LIFETIME_S


def client_credentials(
    token_url: str, client_id: str, client_secret: str, scope: str | None = None
) -> Auth:
    return _ClientCredentials(
        token_url=_checked(token_url, "token URL"),
        client_id=_checked(client_id, "client id"),
        client_secret=_checked(client_secret, "client secret"),
        scope=scope,
    )


def client_assertion_credentials(
    token_url: str, client_id: str, key: ClientKey, scope: str | None = None
) -> Auth:
    return _ClientCredentials(
        token_url=_checked(token_url, "token URL"),
        client_id=_checked(client_id, "client id"),
        scope=scope,
        key=key,
    )


def _from_env(env: Mapping[str, str], name: str, what: str) -> str:
    value = env.get(name, "").strip()  # a trailing newline from `cat token.txt` is never meant
    if not value:
        raise AuthError(f"set {name} to {what}")
    return _checked(value, name)


def auth_from_env(mode: str, env: Mapping[str, str], **options: str) -> Auth:
    """Build the `mode` authenticator; its secrets come from `env` only, never from `options`."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise AuthError(f"unknown auth option {unknown[0]!r}; valid options: {', '.join(OPTIONS)}")
    token_env = options.get("token_env") or "SCIM_TOKEN"
    if mode == "bearer":
        return bearer(_from_env(env, token_env, "the target's bearer token"))
    if mode == "header":
        return header_token(_from_env(env, token_env, "the target's Authorization header value"))
    if mode == "basic":
        user = _from_env(env, "SCIM_BASIC_USER", "the target's basic-auth user name")
        return basic(
            user, _from_env(env, "SCIM_BASIC_PASSWORD", "the target's basic-auth password")
        )
    if mode in ("oauth", "oauth-jwt"):
        missing = [name for name in ("token_url", "client_id") if not options.get(name)]
        if missing:
            raise AuthError(f"{mode} mode needs the option(s): {', '.join(missing)}")
        token_url, client_id = options["token_url"], options["client_id"]
        if mode == "oauth-jwt":
            key = client_key(env)
            if key is None:
                raise AuthError("set SCIM_CLIENT_KEY to the client's private key (PEM) or its path")
            return client_assertion_credentials(
                token_url, client_id, key, options.get("scope") or None
            )
        secret = _from_env(env, "SCIM_CLIENT_SECRET", "the OAuth client secret")
        return client_credentials(token_url, client_id, secret, options.get("scope") or None)
    if mode == "none":
        return no_auth()
    raise AuthError(f"unknown auth mode {mode!r}; choose one of: {', '.join(MODES)}")
