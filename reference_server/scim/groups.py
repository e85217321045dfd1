"""The Group resource: the team's groups, whose members share the group's grants."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from ..storage import memberships
from ..storage.prepared import Reader
from ..storage.resources import Record, get_resource, insert_resource, soft_delete, update_resource
from ..storage.tables import groups
from .attributes import group_definition
from .context import Context
from .errors import ScimType, bad_request, not_found
from .normalize import normalize_resource
from .patch import apply_patch
from .render import member_values, render_group

DEFINITION = group_definition()


def render(conn: Reader, ctx: Context, records: Sequence[Record]) -> list[dict[str, Any]]:
    found = memberships.members_of(conn, [record.id for record in records])
    return [render_group(record, found.get(record.id, []), ctx.base_url) for record in records]


def find(conn: Reader, ctx: Context, group_id: str) -> Record:
    record = get_resource(conn, groups, ctx.team.id, group_id)
    if record is None:
        raise not_found(f"Group {group_id!r} not found")
    return record


def _members(document: dict[str, Any]) -> dict[str, str | None]:
    """The members a document carries: user id -> the display the client gave, if any."""
    members: dict[str, str | None] = {}
    for entry in document.pop("members", []):
        value = entry.get("value")
        if not isinstance(value, str) or not value:
            raise bad_request("Every member needs a `value` (a user id)", ScimType.INVALID_VALUE)
        display = entry.get("display")
        members[value] = display if isinstance(display, str) else None
    return members


def _carries_members(body: object) -> bool:
    return isinstance(body, dict) and any(key.lower() == "members" for key in body)


def create(conn: Connection, ctx: Context, body: object) -> Record:
    document = normalize_resource(DEFINITION, body)
    members = _members(document)
    record = insert_resource(conn, DEFINITION, groups, ctx.team.id, document)
    memberships.set_members(conn, ctx.team.id, record.id, members)
    return record


def _store(
    conn: Connection, ctx: Context, current: Record, document: dict[str, Any], members: bool
) -> Record:
    given = _members(document)
    if members:
        memberships.set_members(conn, ctx.team.id, current.id, given)
    return update_resource(conn, DEFINITION, groups, ctx.team.id, current, document)


def replace(conn: Connection, ctx: Context, current: Record, body: object) -> Record:
    """PUT: replaces what it carries; a PUT without `members` leaves the members as they are."""
    document = normalize_resource(DEFINITION, body)
    return _store(conn, ctx, current, document, members=_carries_members(body))


def patch(conn: Connection, ctx: Context, current: Record, body: object) -> Record:
    members = memberships.members_of(conn, [current.id]).get(current.id, [])
    whole = {**current.document(), "members": member_values(members, ctx.base_url)}
    patched = apply_patch(DEFINITION, whole, body, max_operations=ctx.limits.max_operations)
    document = normalize_resource(DEFINITION, patched, require_schemas=False)
    return _store(conn, ctx, current, document, members=True)


def delete(conn: Connection, ctx: Context, group_id: str) -> None:
    if not soft_delete(conn, groups, ctx.team.id, group_id):
        raise not_found(f"Group {group_id!r} not found")
