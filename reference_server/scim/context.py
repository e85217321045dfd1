"""Who is asking: the team named by the URL, authenticated by its bearer token."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import Engine
from starlette.requests import Request

from ..behaviour import Behaviour, current
from ..limits import Limits
from ..storage.engine import snapshot
from ..storage.oauth import token_expiry
from ..storage.teams import Team, find_team
from ..tokens import token_hash, token_matches
from .errors import ScimError


@dataclass(frozen=True, slots=True)
class Context:
    team: Team
    base_url: str
    limits: Limits
    # What the server decides at its seams for this request (`behaviour.py`).
    behaviour: Behaviour = field(default_factory=current)


def _unauthorized(detail: str) -> ScimError:
    # RFC 7644 2: the provider SHALL indicate supported schemes via WWW-Authenticate.
    return ScimError(401, detail, headers={"WWW-Authenticate": 'Bearer realm="scim"'})


def presented_token(request: Request) -> str | None:
    """The token from `Authorization`, with or without the `Bearer` prefix
    (docs/idp/okta.md#headers)."""
    header = request.headers.get("authorization", "").strip()
    if not header:
        return None
    scheme, _, rest = header.partition(" ")
    if scheme.lower() == "bearer":
        return rest.strip() or None
    return header if " " not in header else None


def find_team_or_401(request: Request) -> Team:
    """The team named in the URL."""
    engine: Engine = request.app.state.engine
    with snapshot(engine) as conn:
        team = find_team(conn, request.path_params["team"])
    if team is None:
        # The same answer as a wrong token, so team names cannot be probed.
        raise _unauthorized("Authentication failed")
    return team


def authenticate(request: Request, team: Team, *, app_probe: bool = False) -> None:
    if not app_probe and not current().enforces_scim_auth():
        return
    token = presented_token(request)
    if token is None:
        raise _unauthorized("Authentication required: send Authorization: Bearer <token>")
    expected = team.app_token_hash if app_probe else team.scim_token_hash
    if not token_matches(token, expected) and (app_probe or not _issued(request, team, token)):
        raise _unauthorized("Authentication failed")


def _issued(request: Request, team: Team, token: str) -> bool:
    """A token the team's token endpoint issued (`token_endpoint.py`), not yet expired."""
    engine: Engine = request.app.state.engine
    with snapshot(engine) as conn:
        expires_at = token_expiry(conn, team.id, token_hash(token))
    return expires_at is not None and time.time() < expires_at


def scim_base_url(request: Request, slug: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/t/{slug}/scim/v2"
