"""The SQLite engine: WAL, synchronous=FULL, foreign keys, and explicit transactions.

pysqlite's own transaction handling is switched off so that writes can start with
`BEGIN IMMEDIATE`: the write lock is taken before the first read, so a read-modify-write never
races another writer, in this process or in another worker on the same file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from .tables import metadata

BUSY_TIMEOUT_MS = 15_000


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=FULL",
        "PRAGMA foreign_keys=ON",
        f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    ):
        cursor.execute(pragma)
    cursor.close()


def _on_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get("write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def open_engine(url: str) -> Engine:
    """An engine on `url` with the schema created; only SQLite URLs are supported."""
    if not url.startswith("sqlite:"):
        raise ValueError(f"only sqlite:/// URLs are supported, not {url.split(':', 1)[0]!r}")
    # hide_parameters: a failing statement's exception (logged under a correlation id) must
    # not carry filter values, names or emails into the log (RFC 7644 7.5.2).
    engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    with writing(engine) as conn:
        metadata.create_all(conn)
    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction, holding SQLite's write lock from its first statement."""
    with engine.connect() as conn:
        conn.execution_options(write=True)
        with conn.begin():
            yield conn


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read transaction: one consistent snapshot for a page and its total."""
    with engine.connect() as conn, conn.begin():
        yield conn


@contextmanager
def snapshot(engine: Engine) -> Iterator[sqlite3.Connection]:
    """A read transaction on the pooled SQLite connection itself, for prepared reads.

    The reads every request makes (its team, a resource by id and its memberships) run as
    prepared statements (`prepared.py`); around them, SQLAlchemy's own transaction would cost
    more than the reads do.
    """
    pooled = engine.raw_connection()
    try:
        driver = pooled.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        driver.execute("BEGIN")
        try:
            yield driver
        finally:
            driver.execute("ROLLBACK")  # a read: nothing to keep
    finally:
        pooled.close()


def utc_now() -> str:
    """Timestamps as fixed-width UTC text, so they sort and compare as strings."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
