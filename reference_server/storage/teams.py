"""Teams (tenants) and their tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from .engine import utc_now
from .prepared import Prepared, Reader
from .tables import teams


@dataclass(frozen=True, slots=True)
class Team:
    id: str
    slug: str
    scim_token_hash: str
    app_token_hash: str


def _team(row: Any) -> Team:
    return Team(row.id, row.slug, row.scim_token_hash, row.app_token_hash)


_BY_SLUG = Prepared.of(
    select(teams.c.id, teams.c.slug, teams.c.scim_token_hash, teams.c.app_token_hash).where(
        teams.c.slug == bindparam("slug")
    )
)


def find_team(conn: Reader, slug: str) -> Team | None:
    """The team named `slug`: read on every request, so a prepared statement."""
    rows = _BY_SLUG.rows(conn, slug=slug)
    if not rows:
        return None
    team_id, found_slug, scim_token_hash, app_token_hash = rows[0]
    return Team(team_id, found_slug, scim_token_hash, app_token_hash)


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
