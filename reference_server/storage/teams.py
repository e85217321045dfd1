"""Teams (tenants) and their tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from .engine import utc_now
from .tables import teams


@dataclass(frozen=True, slots=True)
class Team:
    id: str
    slug: str
    scim_token_hash: str
    app_token_hash: str


def _team(row: Row[Any]) -> Team:
    return Team(row.id, row.slug, row.scim_token_hash, row.app_token_hash)


def find_team(conn: Connection, slug: str) -> Team | None:
    row = conn.execute(select(teams).where(teams.c.slug == slug)).first()
    return _team(row) if row is not None else None


def create_team(conn: Connection, slug: str, scim_token_hash: str, app_token_hash: str) -> Team:
    team = Team(uuid.uuid4().hex, slug, scim_token_hash, app_token_hash)
    conn.execute(
        insert(teams).values(
            id=team.id,
            slug=slug,
            scim_token_hash=scim_token_hash,
            app_token_hash=app_token_hash,
            created=utc_now(),
        )
    )
    return team


def set_token_hashes(
    conn: Connection, slug: str, *, scim: str | None = None, app: str | None = None
) -> None:
    values = {"scim_token_hash": scim, "app_token_hash": app}
    changes = {key: value for key, value in values.items() if value is not None}
    if changes:
        conn.execute(update(teams).where(teams.c.slug == slug).values(**changes))


def list_teams(conn: Connection) -> list[Team]:
    return [_team(row) for row in conn.execute(select(teams).order_by(teams.c.seq))]
