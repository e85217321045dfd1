"""`do: oauth_token`: the client credentials grant (RFC 6749 4.4) sent to the target's token
endpoint as Microsoft's Validate_Credentials_Test sends it (docs/idp/entra.md, "OAuth client
credentials"), and the access token it issues, which later steps send with `auth: issued`.

The endpoint is known only when the run names it (`--token-url`, `--client-id`, the secret in
`SCIM_CLIENT_SECRET`); without it the scenarios that need it are skipped (capability `oauth`).
`client_auth: jwt` authenticates with a client assertion (RFC 7523 2.2) signed by the key in
`SCIM_CLIENT_KEY` (`client_key.py`); without a key those scenarios are skipped (`oauth-jwt`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, urlencode

from harness.transport.auth import no_auth
from harness.transport.client import Transport
from harness.transport.client_key import (
    ASSERTION_TYPE,
    CLIENT_KEY_ENV,
    ClientKey,
    client_key,
)
from harness.transport.exchange import Exchange
from harness.transport.redaction import MIN_TEXT_SECRET
from harness.transport.redactor import Credentials, Redactor

TOKEN_VERB = "oauth_token"
CLIENT_SECRET_ENV = "SCIM_CLIENT_SECRET"
FORM = "application/x-www-form-urlencoded"
WRONG_SECRET = "scimcert-wrong-client-secret"
Recorder = Callable[[Exchange, bool], None]


@dataclass(frozen=True)
class TokenClient:
    """The target's token endpoint and the client the run authenticates as there."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)  # "" when the run gives only a key
    key: ClientKey | None = None  # signs client assertions (`client_auth: jwt`)

    @property
    def secrets(self) -> tuple[str, ...]:
        given = (self.client_secret, self.basic_credential(self.client_secret))
        return (given if self.client_secret else ()) + (self.key.secrets if self.key else ())

    def basic_credential(self, secret: str) -> str:
        # RFC 6749 2.3.1: id and secret are form-encoded before Basic joins them.
        joined = f"{quote_plus(self.client_id)}:{quote_plus(secret)}"
        return base64.b64encode(joined.encode()).decode("ascii")


def token_client(
    token_url: str | None, client_id: str | None, env: Mapping[str, str]
) -> TokenClient | None:
    """The client, when the run names an endpoint, a client id and (in the environment) a secret
    or a signing key."""
    if not (token_url and client_id):
        return None
    secret = env.get(CLIENT_SECRET_ENV, "").strip()
    key = client_key(env)
    if not (secret or key):
        return None
    return TokenClient(token_url, client_id, secret, key)


NOT_KNOWN = (
    "no OAuth token endpoint known: run with --auth oauth --token-url URL --client-id ID "
    f"and the client secret in {CLIENT_SECRET_ENV}"
)

NO_KEY = (
    f"no client key for JWT client authentication (RFC 7523): give its PEM in {CLIENT_KEY_ENV} "
    "beside --token-url URL --client-id ID"
)


class _KeepingRedactor(Redactor):
    """The run's redactor, for the token endpoint's transport: it keeps the access token an
    answer carries, for the steps that send it, before the answer is scrubbed like any other."""

    def __init__(self, run: Redactor) -> None:
        super().__init__()
        self._run = run
        self.kept: str | None = None

    def trust(self, credentials: Credentials) -> None:
        self._run.trust(credentials)

    def learn_assertion(self, assertion: str) -> None:
        """An assertion is a credential until it expires: scrubbed wherever it shows up, from
        before it is sent."""
        self._run.learn([assertion], MIN_TEXT_SECRET)

    def exchange(self, exchange: Exchange) -> Exchange:
        self.kept = _access_token(exchange)
        if self.kept:
            self._run.learn([self.kept], MIN_TEXT_SECRET)  # scrubbed wherever it shows up later
        return self._run.exchange(exchange)


def _access_token(exchange: Exchange) -> str | None:
    response = exchange.response
    if response is None or response.status != 200:
        return None
    try:
        document: Any = response.json()
    except ValueError:
        return None
    token = document.get("access_token") if isinstance(document, dict) else None
    usable = isinstance(token, str) and token and "\n" not in token and "\r" not in token
    return token if usable else None


class TokenSteps:
    """One item's requests to the token endpoint, and the last access token issued."""

    def __init__(self, client: TokenClient, scim: Transport, record: Recorder) -> None:
        self.client = client
        self._scim = scim
        self._keeper = _KeepingRedactor(scim.redactor)
        self._keeper.trust(client)
        self._transport: Transport | None = None  # made by the first request: most items have none
        self._record = record
        self.issued: str | None = None
        self.step: int = -1  # the step that asked for the token the later steps send

    def request(self, index: int, args: Mapping[str, Any]) -> Exchange:
        """`client_auth: body` (Microsoft's way, the default), `basic` or `jwt`; `secret: wrong`
        sends a wrong secret, `assertion: forged|expired|wrong-aud` an assertion breaking that
        rule of RFC 7523 3; `grant_type` and `scope` override the form's."""
        secret = WRONG_SECRET if args.get("secret") == "wrong" else self.client.client_secret
        variant = str(args.get("assertion", "valid"))
        form = {"grant_type": str(args.get("grant_type", "client_credentials"))}
        headers = {"Content-Type": FORM, "Accept": "application/json"}
        how = args.get("client_auth", "body")
        if how == "jwt":
            form |= self._assertion(variant)
        elif how == "basic":
            headers["Authorization"] = f"Basic {self.client.basic_credential(secret)}"
        else:
            form |= {"client_id": self.client.client_id, "client_secret": secret}
        if "scope" in args:
            form["scope"] = str(args["scope"])
        if self._transport is None:
            options = self._scim.options
            self._transport = Transport(self.client.token_url, no_auth(), options, self._keeper)
        exchange = self._transport.send("POST", "", data=urlencode(form), headers=headers)
        # Not a SCIM answer: recorded, but only the step's own expectations grade it.
        self._record(exchange, False)
        if (how == "jwt" and variant == "valid") or (
            how != "jwt" and secret == self.client.client_secret
        ):
            self.issued, self.step = self._keeper.kept, index
        return exchange

    def _assertion(self, variant: str) -> dict[str, str]:
        key = self.client.key
        if key is None:
            raise ValueError(NO_KEY)  # the scenario's `requires: [oauth-jwt]` keeps it from here
        # RFC 7523 3 item 3: the token endpoint's URL names the server as the audience.
        assertion = key.assertion(self.client.client_id, self.client.token_url, variant)
        self._keeper.learn_assertion(assertion)
        return {"client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion}
