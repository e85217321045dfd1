"""The faults switched on per team, kept in the `teams.faults` column that only this layer uses."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, select, update

from ..storage.prepared import Prepared, Reader
from ..storage.tables import teams

_BY_SLUG = Prepared.of(select(teams.c.faults).where(teams.c.slug == bindparam("slug")))


def _names(stored: str | None) -> frozenset[str]:
    """The stored JSON list of names; anything unreadable switches nothing on."""
    try:
        names = json.loads(stored or "[]")
    except ValueError:
        names = []
    if not isinstance(names, list):
        return frozenset()
    return frozenset(name for name in names if isinstance(name, str))


def team_faults(conn: Reader, slug: str) -> frozenset[str]:
    """The faults of the team named `slug` (none for a team that does not exist)."""
    rows = _BY_SLUG.rows(conn, slug=slug)
    return _names(rows[0][0]) if rows else frozenset()


def set_team_faults(conn: Connection, slug: str, names: Iterable[str]) -> frozenset[str]:
    """Replace the team's faults; the caller has checked that each name is a known fault."""
    chosen = frozenset(names)
    conn.execute(
        update(teams).where(teams.c.slug == slug).values(faults=json.dumps(sorted(chosen)))
    )
    return chosen
