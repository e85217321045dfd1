"""Users and groups as rows: insert, read, compare-and-swap update, soft delete, list.

A resource's stored document holds its SCIM attributes minus the ones kept in columns
(`externalId`, `active`); the `fold` twin is derived from it on every write.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Table,
    Update,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from ..scim.attributes import ResourceDefinition
from ..scim.errors import ScimError, conflict, precondition_failed
from ..scim.folding import fold, fold_document
from .engine import utc_now
from .prepared import Prepared, Reader
from .tables import users

COLUMN_ATTRIBUTES = ("externalId", "active")


@dataclass(frozen=True, slots=True)
class Record:
    """A live user or group as stored; `active` and `role` only mean something for users."""

    id: str
    external_id: str | None
    doc: dict[str, Any]
    created: str
    last_modified: str
    version: int
    active: bool | None = None
    role: str = "member"

    def document(self) -> dict[str, Any]:
        """The resource's attributes as one canonical document (columns folded back in)."""
        document = dict(self.doc)
        if self.external_id is not None:
            document["externalId"] = self.external_id
        return document


def _record(row: Mapping[Any, Any]) -> Record:
    active = row.get("active")
    return Record(
        id=row["id"],
        external_id=row["external_id"],
        doc=json.loads(row["doc"]),
        created=row["created"],
        last_modified=row["last_modified"],
        version=row["version"],
        # SQLite stores booleans as 0 and 1; a prepared read returns them as such.
        active=None if active is None else bool(active),
        role=str(row.get("role", "member")),
    )


def _columns(
    definition: ResourceDefinition, table: Table, document: Mapping[str, Any]
) -> dict[str, Any]:
    stored = {key: value for key, value in document.items() if key not in COLUMN_ATTRIBUTES}
    display_name = document.get("displayName")
    values: dict[str, Any] = {
        "doc": json.dumps(stored, ensure_ascii=False),
        "fold": json.dumps(fold_document(definition, stored), ensure_ascii=False),
        "external_id": document.get("externalId"),
        "display_name_key": fold(display_name) if isinstance(display_name, str) else None,
    }
    if table is users:
        values["user_name"] = document["userName"]
        values["user_name_key"] = fold(document["userName"])
    return values


def _live(table: Table, team_id: str | BindParameter[str]) -> ColumnElement[bool]:
    return (table.c.team_id == team_id) & table.c.deleted_at.is_(None)


UNIQUE_ATTRIBUTE = {"User": "userName", "Group": "displayName"}


def _uniqueness_conflict(definition: ResourceDefinition) -> ScimError:
    attribute = UNIQUE_ATTRIBUTE.get(definition.name, "value")
    return conflict(f"A {definition.name} with this {attribute} already exists in the team")


def insert_resource(
    conn: Connection,
    definition: ResourceDefinition,
    table: Table,
    team_id: str,
    document: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
) -> Record:
    """Store a new resource; a duplicate userName becomes 409 `uniqueness` (RFC 7644 3.3)."""
    now = utc_now()
    values = {
        "id": str(uuid.uuid4()),
        "team_id": team_id,
        "created": now,
        "last_modified": now,
        "version": 1,
        **_columns(definition, table, document),
        **(extra or {}),
    }
    try:
        conn.execute(insert(table).values(**values))
    except IntegrityError as error:
        raise _uniqueness_conflict(definition) from error
    found = get_resource(conn, table, team_id, values["id"])
    assert found is not None  # just inserted in this transaction
    return found


@cache
def _live_in_team(table: Table) -> ColumnElement[bool]:
    """`_live` for the team given as the `in_team` parameter: built once per table. Not
    `team_id`: in an UPDATE, SQLAlchemy keeps the columns' names for the SET clause."""
    return _live(table, bindparam("in_team"))


@cache
def _by_id(table: Table) -> Prepared:
    return Prepared.of(select(table).where(_live_in_team(table), table.c.id == bindparam("id")))


def get_resource(conn: Reader, table: Table, team_id: str, resource_id: str) -> Record | None:
    rows = _by_id(table).mappings(conn, in_team=team_id, id=resource_id)
    return _record(rows[0]) if rows else None


@cache
def _compare_and_swap(table: Table, columns: tuple[str, ...]) -> Update:
    """The UPDATE of `columns` of one live row still at version `seen`: built once per shape.

    Its parameters cannot take the columns' names, which SQLAlchemy keeps for the SET clause.
    """
    return (
        update(table)
        .where(
            _live_in_team(table),
            table.c.id == bindparam("row_id"),
            table.c.version == bindparam("seen"),
        )
        .values({table.c[column]: bindparam(f"new_{column}") for column in columns})
    )


def update_resource(
    conn: Connection,
    definition: ResourceDefinition,
    table: Table,
    team_id: str,
    current: Record,
    document: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
) -> Record:
    """Replace a resource's attributes if it is still at `current.version` (compare-and-swap)."""
    values = {
        "last_modified": utc_now(),
        "version": current.version + 1,
        **_columns(definition, table, document),
        **(extra or {}),
    }
    statement = _compare_and_swap(table, tuple(sorted(values)))
    params = {f"new_{key}": value for key, value in values.items()}
    try:
        result = conn.execute(
            statement, {**params, "in_team": team_id, "row_id": current.id, "seen": current.version}
        )
    except IntegrityError as error:
        raise _uniqueness_conflict(definition) from error
    if result.rowcount != 1:
        raise precondition_failed()
    found = get_resource(conn, table, team_id, current.id)
    assert found is not None  # updated in this transaction
    return found


def touch_resource(conn: Connection, table: Table, team_id: str, current: Record) -> None:
    """A new version without new attributes: for membership changes made elsewhere."""
    conn.execute(
        update(table)
        .where(_live(table, team_id), table.c.id == current.id)
        .values(last_modified=utc_now(), version=table.c.version + 1)
    )


def soft_delete(conn: Connection, table: Table, team_id: str, resource_id: str) -> bool:
    """Mark deleted: gone for SCIM (RFC 7644 3.6), retained until purge."""
    result = conn.execute(
        update(table)
        .where(_live(table, team_id), table.c.id == resource_id)
        .values(deleted_at=utc_now(), version=table.c.version + 1)
    )
    return result.rowcount == 1


def list_resources(
    conn: Connection,
    table: Table,
    team_id: str,
    where: Sequence[ColumnElement[bool]],
    order: Sequence[ColumnElement[Any]],
    start_index: int,
    count: int,
) -> tuple[int, list[Record]]:
    """One page and the total, read in the caller's transaction so both agree."""
    conditions = (_live_in_team(table), *where)
    team = {"in_team": team_id}
    records: list[Record] = []
    if count > 0:
        rows = conn.execute(
            select(table)
            .where(*conditions)
            .order_by(*order, table.c.seq)
            .offset(start_index - 1)
            .limit(count),
            team,
        )
        records = [_record(row._mapping) for row in rows]
        total = _total_of_last_page(records, start_index, count)
        if total is not None:
            return total, records
    counted = select(func.count()).select_from(table).where(*conditions)
    return conn.execute(counted, team).scalar_one(), records


def _total_of_last_page(records: Sequence[Record], start_index: int, count: int) -> int | None:
    """The total, when the page stops short of `count` and so reaches the end of the matches.

    Lookups by `userName eq` match one resource or none, and then need no count.
    """
    if len(records) < count and (records or start_index == 1):
        return start_index - 1 + len(records)
    return None


@cache
def _equal_to(table: Table, column: str) -> tuple[Prepared, Prepared]:
    """(page, count) of the live rows of a team whose `column` equals a value."""
    conditions = (_live_in_team(table), table.c[column] == bindparam("value"))
    page = (
        select(table)
        .where(*conditions)
        .order_by(table.c.seq)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    counted = select(func.count()).select_from(table).where(*conditions)
    return Prepared.of(page), Prepared.of(counted)


def lookup_resources(
    conn: Reader,
    table: Table,
    team_id: str,
    column: str,
    value: Any,
    start_index: int,
    count: int,
) -> tuple[int, list[Record]]:
    """`list_resources` for one condition, `column = value`, by prepared statements."""
    page, counted = _equal_to(table, column)
    params = {"in_team": team_id, "value": value}
    records: list[Record] = []
    if count > 0:
        rows = page.mappings(conn, **params, limit=count, offset=start_index - 1)
        records = [_record(row) for row in rows]
        total = _total_of_last_page(records, start_index, count)
        if total is not None:
            return total, records
    return int(counted.rows(conn, **params)[0][0]), records
