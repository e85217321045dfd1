"""The app's own data behind the probe: spaces, documents, grants, and members' roles."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..domain.access import Grant
from ..scim.errors import ScimError, ScimType, conflict, not_found
from .engine import utc_now
from .tables import documents, grants, group_members, groups, spaces, users

TARGETS = {"space": (spaces, spaces.c.name), "document": (documents, documents.c.title)}


def create_space(conn: Connection, team_id: str, name: str) -> dict[str, Any]:
    space = {"id": uuid.uuid4().hex, "team_id": team_id, "name": name}
    try:
        conn.execute(insert(spaces).values(**space))
    except IntegrityError as error:
        raise conflict(f"A space named {name!r} already exists") from error
    return {"id": space["id"], "name": name}


def create_document(
    conn: Connection, team_id: str, title: str, space: str | None
) -> dict[str, Any]:
    space_id = _target_id(conn, team_id, "space", space) if space is not None else None
    document = {"id": uuid.uuid4().hex, "team_id": team_id, "title": title, "space_id": space_id}
    try:
        conn.execute(insert(documents).values(**document))
    except IntegrityError as error:
        raise conflict(f"A document titled {title!r} already exists") from error
    return {"id": document["id"], "title": title, "space": space}


def _target_id(conn: Connection, team_id: str, kind: str, name: str) -> str:
    table, name_column = TARGETS[kind]
    found = conn.scalar(select(table.c.id).where(table.c.team_id == team_id, name_column == name))
    if found is None:
        raise not_found(f"No {kind} named {name!r}")
    return str(found)


def _grantee_exists(conn: Connection, team_id: str, kind: str, grantee_id: str) -> None:
    table = users if kind == "member" else groups
    found = conn.scalar(
        select(table.c.id).where(
            table.c.team_id == team_id, table.c.id == grantee_id, table.c.deleted_at.is_(None)
        )
    )
    if found is None:
        raise not_found(f"No {kind} with id {grantee_id!r}")


def set_grant(
    conn: Connection, team_id: str, target: tuple[str, str], grantee: tuple[str, str], on: bool
) -> None:
    """Grant (or revoke) access to a space or document for a member or a group."""
    target_id = _target_id(conn, team_id, *target)
    _grantee_exists(conn, team_id, *grantee)
    row = {
        "team_id": team_id,
        "target_kind": target[0],
        "target_id": target_id,
        "grantee_kind": grantee[0],
        "grantee_id": grantee[1],
    }
    if on:
        conn.execute(insert(grants).prefix_with("OR IGNORE").values(**row))
    else:
        conn.execute(delete(grants).where(*(grants.c[key] == value for key, value in row.items())))


def grants_of(conn: Connection, member_id: str) -> list[Grant]:
    """Direct grants and the grants of the member's live groups."""
    member_groups = (
        select(group_members.c.group_id)
        .join(groups, groups.c.id == group_members.c.group_id)
        .where(group_members.c.member_id == member_id, groups.c.deleted_at.is_(None))
    )
    holder = or_(
        and_(grants.c.grantee_kind == "member", grants.c.grantee_id == member_id),
        and_(grants.c.grantee_kind == "group", grants.c.grantee_id.in_(member_groups)),
    )
    found: list[Grant] = []
    for kind, (table, name_column) in TARGETS.items():
        rows = conn.scalars(
            select(name_column)
            .join(grants, and_(grants.c.target_id == table.c.id, grants.c.target_kind == kind))
            .where(holder)
        )
        found.extend(Grant(kind, name) for name in rows)
    return found


def set_role(conn: Connection, team_id: str, member_id: str, role: str) -> None:
    """A role change is a change of the SCIM `roles` projection, so the version moves too."""
    result = conn.execute(
        update(users)
        .where(users.c.team_id == team_id, users.c.id == member_id, users.c.deleted_at.is_(None))
        .values(role=role, version=users.c.version + 1, last_modified=utc_now())
    )
    if result.rowcount != 1:
        raise not_found(f"No member with id {member_id!r}")


def require(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScimError(400, f"`{name}` must be a non-empty string", ScimType.INVALID_VALUE)
    return value
