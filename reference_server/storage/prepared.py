"""Statements written once in SQLAlchemy Core, compiled once, and run on the SQLite connection.

Every SCIM request reads its team, and most read one resource and its memberships. Through
SQLAlchemy each such statement costs about ten times what SQLite spends on it: building the
expression, looking up its compiled form, wrapping the cursor and its rows (benchmarks/RESULTS.md,
"What limits the figures"). A `Prepared` statement keeps the schema knowledge in Core, where the
tables are, and pays that cost once: it runs as plain SQL on the DB-API connection beneath the
caller's SQLAlchemy connection, inside the caller's transaction.

Rows come back as plain tuples of SQLite values (no type conversion): the caller knows its
columns. An expanding `IN` parameter (`bindparam(name, expanding=True)`) takes a collection.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy.dialects import sqlite

# A SQLAlchemy connection in a transaction, or the SQLite one of `engine.snapshot`.
Reader = Connection | sqlite3.Connection

EXPANDING = re.compile(r"\(?__\[POSTCOMPILE_(\w+)\]\)?")


@dataclass(frozen=True, slots=True)
class Prepared:
    """A SELECT as SQLite text, with its bind parameter names in positional order."""

    sql: str
    names: tuple[str, ...]
    expanding: frozenset[str]
    columns: tuple[str, ...]
    constants: Mapping[str, Any]  # values written into the statement (`"$.displayName"`)

    @classmethod
    def of(cls, statement: Select[Any]) -> Prepared:
        compiled = statement.compile(dialect=sqlite.dialect())
        names = tuple(compiled.positiontup or ())
        expanding = frozenset(EXPANDING.findall(str(compiled)))
        columns = tuple(
            column.key or f"column_{index}"
            for index, column in enumerate(statement.selected_columns)
        )
        constants = {name: value for name, value in compiled.params.items() if value is not None}
        return cls(str(compiled), names, expanding, columns, constants)

    def rows(self, conn: Reader, **params: Any) -> list[tuple[Any, ...]]:
        """All rows, as tuples in the order of `columns`."""
        sql, values = self._bound(params)
        rows: list[tuple[Any, ...]] = _driver(conn).execute(sql, values).fetchall()
        return rows

    def mappings(self, conn: Reader, **params: Any) -> list[dict[str, Any]]:
        """All rows, each as column name -> value."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows(conn, **params)]

    def _bound(self, given: Mapping[str, Any]) -> tuple[str, list[Any]]:
        params = {**self.constants, **given}
        values: list[Any] = []
        for name in self.names:
            if name not in self.expanding:
                values.append(params[name])
                continue
            chosen: Collection[Any] = params[name]
            if not chosen:
                raise ValueError(f"expanding parameter {name!r} needs at least one value")
            values.extend(chosen)
        if not self.expanding:
            return self.sql, values
        # One `?` per value, where SQLAlchemy left the expanding parameter's marker.
        sql = EXPANDING.sub(lambda found: f"({', '.join('?' * len(params[found[1]]))})", self.sql)
        return sql, values


def _driver(conn: Reader) -> sqlite3.Connection:
    if isinstance(conn, sqlite3.Connection):
        return conn
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)  # open_engine accepts SQLite only
    return driver
