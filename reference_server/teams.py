"""Setting up teams and their tokens, for the `serve`, `team` and `token` commands."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, select

from .client_assertion import KeySet, KeySetError
from .storage import oauth, teams
from .storage.engine import writing
from .storage.tables import grants, group_members, groups, users
from .tokens import new_client_id, new_token, token_hash

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class TokenSource:
    """Tokens given by the environment are used as they are and never printed."""

    scim: str | None
    app: str | None
    # The team's OAuth client (docs/oauth.md): its id is no secret, its secret is one.
    client_id: str | None = None
    client_secret: str | None = None
    # The client's public JWK Set for JWT client authentication (RFC 7523): no secret.
    client_jwks: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TokenSource:
        return cls(
            scim=env.get("SCIM_TOKEN") or None,
            app=env.get("SCIM_APP_TOKEN") or None,
            client_id=env.get("SCIM_CLIENT_ID") or None,
            client_secret=env.get("SCIM_CLIENT_SECRET") or None,
            client_jwks=client_jwks(env.get(CLIENT_JWKS_ENV, "")),
        )


CLIENT_JWKS_ENV = "SCIM_CLIENT_JWKS"


def client_jwks(given: str) -> str | None:
    """The JWK Set `SCIM_CLIENT_JWKS` gives: its JSON text, or the path of a file holding it;
    checked here, so a bad set stops the command rather than every later token request."""
    given = given.strip()
    if not given:
        return None
    text = given if given.startswith("{") else Path(given).read_text(encoding="utf-8")
    try:
        KeySet.parse(text)
    except KeySetError as error:
        raise ValueError(f"{CLIENT_JWKS_ENV}: {error}") from None
    return text


def check_slug(slug: str) -> str:
    if not SLUG.fullmatch(slug):
        raise ValueError(
            f"team name {slug!r} must be lowercase letters, digits and dashes (at most 63)"
        )
    return slug


def _token(given: str | None, label: str, say: Say) -> str:
    if given is not None:
        return given
    token = new_token()
    say(f"{label}: {token}")
    return token


def ensure_team(engine: Engine, slug: str, tokens: TokenSource, say: Say) -> teams.Team:
    """The team, created if new; generated tokens are printed once, here, and never again."""
    check_slug(slug)
    with writing(engine) as conn:
        team = teams.find_team(conn, slug)
        if team is None:
            scim = _token(tokens.scim, "Authentication token", say)
            app = _token(tokens.app, "App probe token", say)
            created = teams.create_team(conn, slug, token_hash(scim), token_hash(app))
            _ensure_client(conn, created, tokens, say)
            return created
        _ensure_client(conn, team, tokens, say)
        teams.set_token_hashes(
            conn,
            slug,
            scim=token_hash(tokens.scim) if tokens.scim else None,
            app=token_hash(tokens.app) if tokens.app else None,
        )
        found = teams.find_team(conn, slug)
    assert found is not None
    return found


def _ensure_client(conn: Connection, team: teams.Team, tokens: TokenSource, say: Say) -> None:
    """The team's OAuth client: made with the team (or for a team older than OAuth here), its
    secret printed once; an id or secret the environment gives replaces the stored one."""
    found = oauth.find_client(conn, team.id)
    if found is not None and tokens.client_id is None and tokens.client_secret is None:
        say(f"OAuth client id: {found.client_id}")
        _register_keys(conn, team, tokens, say)
        return
    client_id = tokens.client_id or (found.client_id if found else new_client_id(team.slug))
    if found is None or tokens.client_secret is not None:
        secret_hash = token_hash(_token(tokens.client_secret, "OAuth client secret", say))
    else:
        secret_hash = found.secret_hash
    oauth.set_client(conn, team.id, client_id, secret_hash)
    say(f"OAuth client id: {client_id}")
    _register_keys(conn, team, tokens, say)


def _register_keys(conn: Connection, team: teams.Team, tokens: TokenSource, say: Say) -> None:
    if tokens.client_jwks is not None:
        oauth.set_client_keys(conn, team.id, tokens.client_jwks)
        count = len(KeySet.parse(tokens.client_jwks).keys)
        say(f"OAuth client keys: {count} public key(s) registered for JWT client authentication")


def add_team(engine: Engine, slug: str, tokens: TokenSource, say: Say) -> teams.Team:
    check_slug(slug)
    with writing(engine) as conn:
        if teams.find_team(conn, slug) is not None:
            raise ValueError(f"team {slug!r} already exists")
    return ensure_team(engine, slug, tokens, say)


def rotate_tokens(engine: Engine, slug: str, which: str, say: Say) -> None:
    """New tokens take effect at once: the old hash is overwritten in the same transaction."""
    with writing(engine) as conn:
        if teams.find_team(conn, slug) is None:
            raise ValueError(f"no team named {slug!r}")
        scim = _token(None, "Authentication token", say) if which in ("scim", "both") else None
        app = _token(None, "App probe token", say) if which in ("app", "both") else None
        teams.set_token_hashes(
            conn,
            slug,
            scim=token_hash(scim) if scim else None,
            app=token_hash(app) if app else None,
        )
        if which == "client":
            _rotate_client_secret(conn, slug, say)


def _rotate_client_secret(conn: Connection, slug: str, say: Say) -> None:
    """A new client secret; the tokens issued under the old one stop with it."""
    team = teams.find_team(conn, slug)
    assert team is not None
    found = oauth.find_client(conn, team.id)
    client_id = found.client_id if found else new_client_id(slug)
    secret = _token(None, "OAuth client secret", say)
    oauth.set_client(conn, team.id, client_id, token_hash(secret))
    oauth.revoke_tokens(conn, team.id)


def purge(engine: Engine) -> tuple[int, int]:
    """Remove for good what SCIM deleted: users and groups marked deleted, and their links."""
    with writing(engine) as conn:
        dead_users = list(conn.scalars(select(users.c.id).where(users.c.deleted_at.is_not(None))))
        dead_groups = list(
            conn.scalars(select(groups.c.id).where(groups.c.deleted_at.is_not(None)))
        )
        conn.execute(delete(group_members).where(group_members.c.member_id.in_(dead_users)))
        conn.execute(delete(group_members).where(group_members.c.group_id.in_(dead_groups)))
        conn.execute(
            delete(grants).where(
                ((grants.c.grantee_kind == "member") & grants.c.grantee_id.in_(dead_users))
                | ((grants.c.grantee_kind == "group") & grants.c.grantee_id.in_(dead_groups))
            )
        )
        conn.execute(delete(users).where(users.c.id.in_(dead_users)))
        conn.execute(delete(groups).where(groups.c.id.in_(dead_groups)))
    return len(dead_users), len(dead_groups)
