"""Teams (tenants) and their tokens."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
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
    # Names of the deliberate faults switched on for this team (reference_server/faults/).
    faults: frozenset[str] = field(default_factory=frozenset)


def _faults(stored: str | None) -> frozenset[str]:
    """The stored JSON list of names; anything unreadable switches nothing on."""
    try:
        names = json.loads(stored or "[]")
    except ValueError:
        names = []
    if not isinstance(names, list):
        return frozenset()
    return frozenset(name for name in names if isinstance(name, str))


def _team(row: Any) -> Team:
    return Team(row.id, row.slug, row.scim_token_hash, row.app_token_hash, _faults(row.faults))


_BY_SLUG = Prepared.of(
    select(
        teams.c.id, teams.c.slug, teams.c.scim_token_hash, teams.c.app_token_hash, teams.c.faults
    ).where(teams.c.slug == bindparam("slug"))
)


def find_team(conn: Reader, slug: str) -> Team | None:
    """The team named `slug`: read on every request, so a prepared statement."""
    rows = _BY_SLUG.rows(conn, slug=slug)
    if not rows:
        return None
    team_id, found_slug, scim_token_hash, app_token_hash, faults = rows[0]
    return Team(team_id, found_slug, scim_token_hash, app_token_hash, _faults(faults))


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


def set_faults(conn: Connection, slug: str, names: Iterable[str]) -> frozenset[str]:
    """Replace the team's faults; the caller has checked that each name is a known fault."""
    chosen = frozenset(names)
    conn.execute(
        update(teams).where(teams.c.slug == slug).values(faults=json.dumps(sorted(chosen)))
    )
    return chosen


def list_teams(conn: Connection) -> list[Team]:
    return [_team(row) for row in conn.execute(select(teams).order_by(teams.c.seq))]
