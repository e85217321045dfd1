"""A diagnosis on a copy of the largest seeded file: list queries with and without a partial index.

Every list request runs `count(*)` and an `OFFSET` page over the team's live users
(`deleted_at IS NULL`). No index covers that condition, so SQLite reads the row of every live
user it counts or skips. This probe times both queries as the server issues them (same SQL
shape), then again after `CREATE INDEX ... (team_id, seq) WHERE deleted_at IS NULL`, on a copy,
so the run can say what the index would gain. It never touches the server's own file.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from reference_server.storage.tables import users

REPEAT = 5
INDEX_SQL = (
    "CREATE INDEX bench_users_live_team_seq ON users (team_id, seq) WHERE deleted_at IS NULL"
)
COUNT_SQL = "SELECT count(*) FROM users WHERE team_id = ? AND deleted_at IS NULL"
PAGE_SQL = (
    "SELECT * FROM users WHERE team_id = ? AND deleted_at IS NULL ORDER BY seq LIMIT 100 OFFSET ?"
)


@dataclass(frozen=True, slots=True)
class IndexProbe:
    users: int
    count_ms: tuple[float, float]  # (as is, with the partial index)
    middle_page_ms: tuple[float, float]


def live_index_missing() -> bool:
    """True while no index of `users` is partial on `deleted_at IS NULL` over (team_id, seq)."""
    for index in users.indexes:
        names = [column.name for column in index.columns]
        where = index.dialect_options["sqlite"].get("where")
        if names == ["team_id", "seq"] and where is not None and "deleted_at" in str(where):
            return False
    return True


def _timed(conn: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> float:
    conn.execute(sql, params).fetchall()  # warm the page cache
    started = time.perf_counter()
    for _ in range(REPEAT):
        conn.execute(sql, params).fetchall()
    return (time.perf_counter() - started) / REPEAT * 1000


def probe(db_file: Path, users_count: int, scratch: Path) -> IndexProbe:
    copy = scratch / "index-probe.db"
    with sqlite3.connect(db_file) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    try:
        conn = sqlite3.connect(copy)
        team = conn.execute("SELECT id FROM teams ORDER BY seq LIMIT 1").fetchone()[0]
        middle = (team, users_count // 2)
        before = (_timed(conn, COUNT_SQL, (team,)), _timed(conn, PAGE_SQL, middle))
        conn.execute(INDEX_SQL)
        conn.commit()
        after = (_timed(conn, COUNT_SQL, (team,)), _timed(conn, PAGE_SQL, middle))
        conn.close()
    finally:
        copy.unlink(missing_ok=True)
    return IndexProbe(users_count, (before[0], after[0]), (before[1], after[1]))
