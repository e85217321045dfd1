"""The User resource: SCIM writes translated into the team's lifecycle transitions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace as replaced
from typing import Any

from sqlalchemy import Connection

from .. import faults
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
    if role is None and faults.PROVISIONED_AS_ADMIN in ctx.faults:  # FAULT HOOK (faults/)
        role = members.Role.ADMIN
    if role is not None:
        state = members.set_role(state, role)
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
    if ctx.faults:  # FAULT HOOKS (faults/): inert unless a fault is switched on
        state = _faulty_transition(conn, ctx, member_state(current), state, current.id)
    columns = _columns(state, assigned)
    record = update_resource(conn, DEFINITION, users, ctx.team.id, current, document, columns)
    deactivated = member_state(current).active and not state.active
    if deactivated and faults.DEACTIVATION_DELETES in ctx.faults:  # FAULT HOOK (faults/)
        delete(conn, ctx, record.id)
    return record


def replace(conn: Connection, ctx: Context, current: Record, body: object) -> Record:
    """PUT: replaces what it carries; `active` and `password` absent leave them unchanged."""
    document = normalize_resource(DEFINITION, body)
    if faults.PUT_MERGES in ctx.faults:  # FAULT HOOK (faults/)
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


# --- FAULT HOOKS: deliberate breakage for the harness's own tests (reference_server/faults/).
# The domain's rules stay as they are; a fault only undoes their effect here, when switched on.


def _faulty_transition(
    conn: Connection,
    ctx: Context,
    before: members.MemberState,
    after: members.MemberState,
    user_id: str,
) -> members.MemberState:
    reactivated = after.active and not before.active
    if reactivated and faults.ROLE_KEPT_ON_REACTIVATION in ctx.faults:
        after = replaced(after, role=before.role)
    if reactivated and faults.ACCESS_LOST_ON_REACTIVATION in ctx.faults:
        faults.drop_access(conn, user_id)
    return after
