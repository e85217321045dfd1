"""The team's OAuth 2.0 token endpoint: the client credentials grant (RFC 6749 4.4) only.

`POST /t/{team}/oauth/token`, a form (`application/x-www-form-urlencoded`) with
`grant_type=client_credentials`; the client authenticates with HTTP Basic (RFC 6749 2.3.1, which
every authorization server MUST support), with `client_id` and `client_secret` in the body, or
with a JWT it signed (`client_assertion`, RFC 7523 2.2; `client_assertion.py`) when it registered
public keys.
Tokens are random, stored as hashes and accepted by the team's SCIM API until they expire
(`scim/context.py`). The contract, with every refusal, is docs/oauth.md.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote_plus

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .behaviour import current
from .client_assertion import ASSERTION_TYPE, AssertionRefusedError, KeySet, verify
from .storage import oauth
from .storage.engine import snapshot, writing
from .storage.teams import find_team
from .tokens import new_token, token_hash, token_matches

TOKEN_PATH = "/t/{team}/oauth/token"
FORM = "application/x-www-form-urlencoded"
GRANT = "client_credentials"
SCOPE = "scim"  # the one scope: the team's SCIM API
DEFAULT_LIFETIME_MINUTES = 60  # inside Microsoft's 60-360 minutes (docs/idp/entra.md)
MAX_FORM_BYTES = 8192
# RFC 6749 5.1: "MUST include ... Cache-Control ... no-store ... as well as ... Pragma ...
# no-cache" in any answer with tokens or credentials; the refusals carry them too.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="scimcert", charset="UTF-8"'}


class OAuthError(Exception):
    """A refusal of RFC 6749 5.2: `error` is its code, `status` 400 unless the text says 401."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True, slots=True)
class Presented:
    client_id: str
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Asserted:
    """A client assertion (RFC 7523 2.2); `client_id` is optional beside it (RFC 7521 4.2)."""

    assertion: str = field(repr=False)
    client_id: str | None = None


def _form(raw: bytes) -> dict[str, str]:
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise OAuthError("invalid_request", "The form must be URL-encoded ASCII") from None
    try:
        parsed = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text))
    except ValueError:
        raise OAuthError("invalid_request", "The form is not URL-encoded") from None
    # RFC 6749 3.2: "Request and response parameters MUST NOT be included more than once."
    repeated = sorted(name for name, values in parsed.items() if len(values) > 1)
    if repeated:
        raise OAuthError("invalid_request", f"Parameter {repeated[0]!r} is given more than once")
    return {name: values[0] for name, values in parsed.items()}


def _basic(header: str) -> Presented | None:
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError("invalid_client", "Malformed Basic credentials", 401) from None
    user, colon, password = decoded.partition(":")
    if not colon:
        raise OAuthError("invalid_client", "Malformed Basic credentials", 401)
    # RFC 6749 2.3.1: id and secret are form-encoded before Basic joins them.
    return Presented(unquote_plus(user), unquote_plus(password))


def _asserted(form: dict[str, str]) -> Asserted:
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        raise OAuthError("invalid_client", f"client_assertion_type must be {ASSERTION_TYPE}", 401)
    if not form.get("client_assertion"):
        raise OAuthError("invalid_client", "client_assertion is required", 401)
    return Asserted(form["client_assertion"], form.get("client_id") or None)


def _presented(request: Request, form: dict[str, str]) -> Presented | Asserted:
    header = request.headers.get("authorization")
    from_header = _basic(header) if header else None
    in_body = "client_secret" in form
    asserting = "client_assertion" in form or "client_assertion_type" in form
    if asserting and (from_header is not None or in_body):
        raise OAuthError("invalid_request", "Authenticate with one method, not several")
    if asserting:
        return _asserted(form)
    if from_header is not None and in_body:
        # RFC 6749 2.3: "The client MUST NOT use more than one authentication method".
        raise OAuthError("invalid_request", "Authenticate with Basic or the body, not both")
    if from_header is not None:
        return from_header
    if in_body and form.get("client_id"):
        return Presented(form["client_id"], form["client_secret"])
    raise OAuthError("invalid_client", "Client authentication required", 401)


def _authenticate(engine: Engine, slug: str, presented: Presented) -> str:
    """The team's id, when the presented client is the team's; one refusal for every miss, so
    team names and client ids cannot be probed."""
    with snapshot(engine) as conn:
        team = find_team(conn, slug)
        client = oauth.find_client(conn, team.id) if team is not None else None
    if (
        client is None
        or not hmac.compare_digest(presented.client_id.encode(), client.client_id.encode())
        or not token_matches(presented.secret, client.secret_hash)
    ):
        raise OAuthError("invalid_client", "Client authentication failed", 401)
    return client.team_id


def _authenticate_assertion(engine: Engine, slug: str, asserted: Asserted, audience: str) -> str:
    """The team's id, when the assertion is signed by a key the team's client registered and
    meets RFC 7523 3; a replayed `jti` is refused (item 7 lets the server keep the used ones)."""
    with snapshot(engine) as conn:
        team = find_team(conn, slug)
        client = oauth.find_client(conn, team.id) if team is not None else None
        jwks = oauth.client_keys(conn, team.id) if team is not None else None
    if client is None or jwks is None:
        raise OAuthError("invalid_client", "Client authentication failed", 401)
    if asserted.client_id is not None and asserted.client_id != client.client_id:
        raise OAuthError("invalid_client", "Client authentication failed", 401)
    behaviour = current()
    if not behaviour.checks_assertion("accepted"):
        raise OAuthError("invalid_client", "Client assertions are not accepted here", 401)
    try:
        claims = verify(
            asserted.assertion,
            KeySet.parse(jwks),
            client.client_id,
            audience if behaviour.checks_assertion("audience") else None,
            time.time(),
            signature=behaviour.checks_assertion("signature"),
            expiry=behaviour.checks_assertion("expiry"),
        )
    except AssertionRefusedError as refused:
        raise OAuthError("invalid_client", str(refused), 401) from None
    if claims.jti is not None:
        with writing(engine) as conn:
            fresh = oauth.first_use(conn, client.team_id, claims.jti, time.time(), claims.exp)
        if not fresh:
            raise OAuthError("invalid_client", "The client assertion's jti was used before", 401)
    return client.team_id


def _granted_scope(form: dict[str, str]) -> str:
    asked = form.get("scope")
    if asked is None or asked.strip() == "":
        return SCOPE
    unknown = [s for s in asked.split(" ") if s and s != SCOPE]
    if unknown:
        raise OAuthError("invalid_scope", f"Unknown scope {unknown[0][:64]!r}; the scope is scim")
    return SCOPE


def _issue(engine: Engine, team_id: str, lifetime_s: int) -> str:
    token = new_token()
    now = time.time()
    with writing(engine) as conn:
        oauth.store_token(conn, team_id, token_hash(token), now, now + lifetime_s)
    return token


async def _grant(request: Request) -> dict[str, object]:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
        raise OAuthError("invalid_request", f"The request must be {FORM}")
    raw = await request.body()
    if len(raw) > MAX_FORM_BYTES:
        raise OAuthError("invalid_request", "The form is too large")
    form = _form(raw)
    presented = _presented(request, form)
    grant_type = form.get("grant_type")
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is required")
    engine: Engine = request.app.state.engine
    slug = request.path_params["team"]
    if isinstance(presented, Asserted):
        # RFC 7523 3 item 3: the token endpoint's URL identifies this server as the audience.
        audience = str(request.url.replace(query=""))
        team_id = _authenticate_assertion(engine, slug, presented, audience)
    else:
        team_id = _authenticate(engine, slug, presented)
    if grant_type != GRANT:
        # Every client here may use the one grant the server has; any other is unsupported.
        raise OAuthError("unsupported_grant_type", f"Only {GRANT} is supported")
    scope = _granted_scope(form)
    lifetime_s: int = request.app.state.token_lifetime_s
    return {
        "access_token": _issue(engine, team_id, lifetime_s),
        "token_type": "Bearer",
        "expires_in": lifetime_s,
        "scope": scope,
    }


def _refusal(error: OAuthError) -> Response:
    # RFC 6749 5.2: a client that tried Basic MUST get 401 with a challenge for it; one that
    # tried the body may (and gets the same, naming the scheme every client can use).
    headers = NO_STORE | (BASIC_CHALLENGE if error.status == 401 else {})
    body = {"error": error.error, "error_description": error.description}
    return JSONResponse(body, status_code=error.status, headers=headers)


async def token(request: Request) -> Response:
    try:
        answer = await _grant(request)
    except OAuthError as error:
        return _refusal(error)
    return JSONResponse(answer, headers=NO_STORE)


def token_routes() -> list[Route]:
    return [Route(TOKEN_PATH, token, methods=["POST"])]
