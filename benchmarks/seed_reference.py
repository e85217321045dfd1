"""Seed the reference server's SQLite file through its storage layer, in one transaction.

Each row is built the way a SCIM POST builds it (`normalize_resource`, then the storage layer's
own column mapping, so `doc`, `fold` and the indexed keys are exactly what the server would have
written), and rows go in with one executemany per chunk. 100,000 users take seconds, not the
minutes that 100,000 POSTs would.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, insert

from reference_server.domain import members
from reference_server.scim.attributes import user_definition
from reference_server.scim.normalize import normalize_resource
from reference_server.storage import resources
from reference_server.storage.engine import utc_now, writing
from reference_server.storage.tables import users
from reference_server.teams import TokenSource, ensure_team

from .population import user_document

CHUNK = 5_000


def _row(team_id: str, index: int, now: str) -> dict[str, Any]:
    definition = user_definition()
    document = normalize_resource(definition, user_document(index))
    state = members.provision(active=bool(document.pop("active", True)))
    return {
        "id": str(uuid.uuid4()),
        "team_id": team_id,
        "created": now,
        "last_modified": now,
        "version": 1,
        "active": state.active,
        "role": state.role.value,
        **resources._columns(definition, users, document),
    }


def _chunks(team_id: str, count: int) -> Iterator[list[dict[str, Any]]]:
    now = utc_now()
    for start in range(0, count, CHUNK):
        yield [_row(team_id, index, now) for index in range(start, min(start + CHUNK, count))]


def seed(engine: Engine, team: str, tokens: TokenSource, count: int) -> list[str]:
    """Create `team` with the given tokens and `count` users; their ids, in index order."""
    found = ensure_team(engine, team, tokens, lambda _line: None)
    ids: list[str] = []
    with writing(engine) as conn:
        for rows in _chunks(found.id, count):
            conn.execute(insert(users), rows)
            ids.extend(row["id"] for row in rows)
    engine.dispose()
    return ids
