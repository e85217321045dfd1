"""The User resource: SCIM writes translated into the team's lifecycle transitions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from ..domain import members
from ..storage import memberships
from ..storage.prepared import Reader
from ..storage.resources import Record, get_resource, insert_resource, soft_delete, update_resource
from ..storage.tables import users
from .attributes import user_definition
from .context import Context
from .errors import not_found
from .normalize import normalize_resource
from .patch import apply_patch
from .render import render_user

DEFINITION = user_definition()


def member_state(record: Record) -> members.MemberState:
    """An unassigned `active` is read as active: RFC 7643 4.1.1 leaves its meaning to us."""
    return members.MemberState(role=members.Role(record.role), active=record.active is not False)


def _columns(state: members.MemberState, assigned: bool = True) -> dict[str, Any]:
    return {"active": state.active if assigned else None, "role": state.role.value}


def render(conn: Reader, ctx: Context, records: Sequence[Record]) -> list[dict[str, Any]]:
    groups = memberships.groups_of(conn, [record.id for record in records])
    return [render_user(record, groups.get(record.id, []), ctx.base_url) for record in records]


def find(conn: Reader, ctx: Context, user_id: str) -> Record:
    record = get_resource(conn, users, ctx.team.id, user_id)
    if record is None:
        raise not_found(f"User {user_id!r} not found")
    return record


def create(
    conn: Connection, ctx: Context, body: object, role: members.Role | None = None
) -> Record:
    """POST: a new member, role `member` (provision); the app probe may create other roles."""
    document = normalize_resource(DEFINITION, body)
    state = members.provision(active=bool(document.pop("active", True)))
    state = members.set_role(
        state, role if role is not None else ctx.behaviour.provisioned_role(state.role)
    )
    return insert_resource(conn, DEFINITION, users, ctx.team.id, document, _columns(state))


def _store(
    conn: Connection, ctx: Context, current: Record, document: dict[str, Any], *, patched: bool
) -> Record:
    """Write a replacement document; a change of `active` is a deactivation or reactivation.

    `active` absent from a PUT leaves it unchanged (docs/idp/onelogin.md#updates: an IdP template
    without `active` must not deactivate anyone); absent after a PATCH, it was removed, and becomes
    unassigned."""
    state = member_state(current)
    if "active" in document:
        state = members.set_activity(state, bool(document.pop("active")))
        assigned = True
    else:
        assigned = current.active is not None and not patched
        if not assigned:
            # Unassigned reads as active, so leaving inactive this way is a reactivation.
            state = members.set_activity(state, True)
    state = ctx.behaviour.settle_transition(conn, current.id, member_state(current), state)
    columns = _columns(state, assigned)
    record = update_resource(conn, DEFINITION, users, ctx.team.id, current, document, columns)
    deactivated = member_state(current).active and not state.active
    if deactivated and ctx.behaviour.deactivation_deletes():
        delete(conn, ctx, record.id)
    return record


def replace(conn: Connection, ctx: Context, current: Record, body: object) -> Record:
    """PUT: replaces what it carries; `active` and `password` absent leave them unchanged."""
    document = normalize_resource(DEFINITION, body)
    if ctx.behaviour.put_keeps_omitted():
        document = {**current.document(), **document}
    return _store(conn, ctx, current, document, patched=False)


def patch(conn: Connection, ctx: Context, current: Record, body: object) -> Record:
    whole = current.document()
    if current.active is not None:
        whole["active"] = current.active
    patched = apply_patch(DEFINITION, whole, body, max_operations=ctx.limits.max_operations)
    document = normalize_resource(DEFINITION, patched, require_schemas=False)
    return _store(conn, ctx, current, document, patched=True)


def delete(conn: Connection, ctx: Context, user_id: str) -> None:
    """DELETE: permanent for SCIM (404 from now on); the row is retained until purge."""
    if not soft_delete(conn, users, ctx.team.id, user_id):
        raise not_found(f"User {user_id!r} not found")
    memberships.forget_member(conn, user_id)
