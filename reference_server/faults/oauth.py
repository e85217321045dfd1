"""Faults of the token endpoint (`token_endpoint.py`, docs/oauth.md): what its answers say.

They rewrite only token exchanges (`Exchange.api == "oauth"`, the path `/token`), and no SCIM
fault rewrites those (`injection.py`): a token fault never breaks the SCIM API's own answers.
"""

from __future__ import annotations

import secrets

from .exchange import Exchange
from .registry import fault

A_DAY_S = 24 * 60 * 60


def _issued(x: Exchange) -> bool:
    return x.ok and isinstance(x.json, dict) and "access_token" in x.json


@fault(
    "token-lifetime-out-of-range",
    "The token endpoint says its access tokens live a day (expires_in 86400)",
)
def _token_lifetime_out_of_range(x: Exchange) -> None:
    # docs/idp/entra.md#oauth-client-credentials: Microsoft wants 60 to 360 minutes.
    if _issued(x):
        assert isinstance(x.json, dict)
        x.json["expires_in"] = A_DAY_S


@fault(
    "token-answer-cacheable",
    "Token answers leave out Cache-Control: no-store and Pragma: no-cache",
)
def _token_answer_cacheable(x: Exchange) -> None:
    # RFC 6749 5.1: a cache on the way could keep the token and hand it to someone else.
    for name in ("cache-control", "pragma"):
        x.headers.pop(name, None)


@fault(
    "wrong-client-secret-accepted",
    "A client with a wrong secret is answered 200 with a token, not 401 invalid_client",
)
def _wrong_client_secret_accepted(x: Exchange) -> None:
    # RFC 6749 5.2: failed client authentication is refused with invalid_client.
    refused = isinstance(x.json, dict) and x.json.get("error") == "invalid_client"
    if refused:
        x.headers.pop("www-authenticate", None)
        body = {"access_token": secrets.token_urlsafe(32), "token_type": "Bearer"}
        x.answer(200, body | {"expires_in": 3600})


@fault(
    "token-type-missing",
    "Token answers leave out token_type",
)
def _token_type_missing(x: Exchange) -> None:
    # RFC 6749 5.1: token_type is REQUIRED.
    if _issued(x):
        assert isinstance(x.json, dict)
        x.json.pop("token_type", None)


@fault(
    "issued-token-unknown",
    "The token endpoint answers with an access token its SCIM API does not accept",
)
def _issued_token_unknown(x: Exchange) -> None:
    # docs/idp/entra.md#oauth-client-credentials: the SCIM call with the token must answer 2xx.
    if _issued(x):
        assert isinstance(x.json, dict)
        x.json["access_token"] = secrets.token_urlsafe(32)


@fault(
    "token-scope-without-scim",
    'The token endpoint grants the scope "directory.read directory.write", not "scim"',
)
def _token_scope_without_scim(x: Exchange) -> None:
    # The IPSIE AL1 SCIM profile's section 3.1 (docs/ipsie-profile.md): the token carries "scim".
    if _issued(x):
        assert isinstance(x.json, dict)
        x.json["scope"] = "directory.read directory.write"


TOKEN_FAULTS = frozenset(
    {
        "token-lifetime-out-of-range",
        "token-answer-cacheable",
        "wrong-client-secret-accepted",
        "token-type-missing",
        "issued-token-unknown",
        "token-scope-without-scim",
    }
)
