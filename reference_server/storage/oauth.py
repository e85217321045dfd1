"""A team's OAuth 2.0 client, its public keys, and the access tokens its token endpoint issued
(by hash only)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from .prepared import Prepared, Reader
from .tables import access_tokens, assertion_ids, oauth_client_keys, oauth_clients


@dataclass(frozen=True, slots=True)
class Client:
    team_id: str
    client_id: str
    secret_hash: str


_CLIENT = Prepared.of(
    select(oauth_clients.c.client_id, oauth_clients.c.secret_hash).where(
        oauth_clients.c.team_id == bindparam("team_id")
    )
)

_ISSUED = Prepared.of(
    select(access_tokens.c.expires_at).where(
        (access_tokens.c.token_hash == bindparam("token_hash"))
        & (access_tokens.c.team_id == bindparam("team_id"))
    )
)


_KEYS = Prepared.of(
    select(oauth_client_keys.c.jwks).where(oauth_client_keys.c.team_id == bindparam("team_id"))
)


def find_client(conn: Reader, team_id: str) -> Client | None:
    rows = _CLIENT.rows(conn, team_id=team_id)
    if not rows:
        return None
    client_id, secret_hash = rows[0]
    return Client(team_id, client_id, secret_hash)


def set_client(conn: Connection, team_id: str, client_id: str, secret_hash: str) -> None:
    """Create the team's client, or give it a new secret (the old one stops at once)."""
    if find_client(conn, team_id) is None:
        values = {"team_id": team_id, "client_id": client_id, "secret_hash": secret_hash}
        conn.execute(insert(oauth_clients).values(**values))
    else:
        conn.execute(
            update(oauth_clients)
            .where(oauth_clients.c.team_id == team_id)
            .values(client_id=client_id, secret_hash=secret_hash)
        )


def revoke_tokens(conn: Connection, team_id: str) -> None:
    """A new client secret ends the tokens issued under the old one."""
    conn.execute(delete(access_tokens).where(access_tokens.c.team_id == team_id))


def store_token(
    conn: Connection, team_id: str, token_hash: str, now: float, expires_at: float
) -> None:
    # Expired tokens are dropped whenever one is issued, so the table stays small.
    conn.execute(delete(access_tokens).where(access_tokens.c.expires_at <= now))
    conn.execute(
        insert(access_tokens).values(token_hash=token_hash, team_id=team_id, expires_at=expires_at)
    )


def token_expiry(conn: Reader, team_id: str, token_hash: str) -> float | None:
    """When the team's issued token with this hash expires; None if it issued no such token."""
    rows = _ISSUED.rows(conn, token_hash=token_hash, team_id=team_id)
    return float(rows[0][0]) if rows else None


def client_keys(conn: Reader, team_id: str) -> str | None:
    """The public JWK Set the team's client registered (RFC 7523 2.2), as text; None if none."""
    rows = _KEYS.rows(conn, team_id=team_id)
    return str(rows[0][0]) if rows else None


def set_client_keys(conn: Connection, team_id: str, jwks: str) -> None:
    """Register the client's public keys, replacing those registered before."""
    conn.execute(delete(oauth_client_keys).where(oauth_client_keys.c.team_id == team_id))
    conn.execute(insert(oauth_client_keys).values(team_id=team_id, jwks=jwks))


def first_use(conn: Connection, team_id: str, jti: str, now: float, expires_at: float) -> bool:
    """Record an assertion's `jti`; False when the team's client used it before (a replay).
    Ids of expired assertions are dropped: an expired assertion is refused anyway."""
    conn.execute(delete(assertion_ids).where(assertion_ids.c.expires_at <= now))
    seen = conn.scalar(
        select(assertion_ids.c.jti).where(
            (assertion_ids.c.team_id == team_id) & (assertion_ids.c.jti == jti)
        )
    )
    if seen is not None:
        return False
    conn.execute(insert(assertion_ids).values(team_id=team_id, jti=jti, expires_at=expires_at))
    return True
