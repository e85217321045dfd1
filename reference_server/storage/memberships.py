"""Group memberships: the one source of both `Group.members` and `User.groups`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select

from ..scim.errors import ScimType, bad_request
from .tables import group_members, groups, users


@dataclass(frozen=True, slots=True)
class Link:
    """One side of a membership: the other resource's id and its display name."""

    id: str
    display: str | None


def members_of(conn: Connection, group_ids: Collection[str]) -> dict[str, list[Link]]:
    display = func.coalesce(func.json_extract(users.c.doc, "$.displayName"), users.c.user_name)
    rows = conn.execute(
        select(group_members.c.group_id, users.c.id, display)
        .join(users, users.c.id == group_members.c.member_id)
        .where(group_members.c.group_id.in_(group_ids), users.c.deleted_at.is_(None))
        .order_by(group_members.c.seq)
    )
    found: dict[str, list[Link]] = defaultdict(list)
    for group_id, member_id, member_display in rows:
        found[group_id].append(Link(member_id, member_display))
    return found


def groups_of(conn: Connection, user_ids: Collection[str]) -> dict[str, list[Link]]:
    rows = conn.execute(
        select(
            group_members.c.member_id, groups.c.id, func.json_extract(groups.c.doc, "$.displayName")
        )
        .join(groups, groups.c.id == group_members.c.group_id)
        .where(group_members.c.member_id.in_(user_ids), groups.c.deleted_at.is_(None))
        .order_by(groups.c.seq)
    )
    found: dict[str, list[Link]] = defaultdict(list)
    for member_id, group_id, group_display in rows:
        found[member_id].append(Link(group_id, group_display))
    return found


def _check_members(conn: Connection, team_id: str, member_ids: Sequence[str]) -> None:
    """Refuse unknown members instead of dropping them silently (robustness.md, section 3)."""
    known = set(
        conn.scalars(
            select(users.c.id).where(
                users.c.team_id == team_id,
                users.c.deleted_at.is_(None),
                users.c.id.in_(set(member_ids)),
            )
        )
    )
    unknown = [member_id for member_id in member_ids if member_id not in known]
    if unknown:
        raise bad_request(
            f"members[].value {unknown[0]!r} is not a user of this team", ScimType.INVALID_VALUE
        )


def set_members(conn: Connection, team_id: str, group_id: str, member_ids: Sequence[str]) -> None:
    """Make the group's members exactly `member_ids`, keeping the order of those already in."""
    wanted = list(dict.fromkeys(member_ids))
    _check_members(conn, team_id, wanted)
    current = list(
        conn.scalars(select(group_members.c.member_id).where(group_members.c.group_id == group_id))
    )
    gone = set(current) - set(wanted)
    if gone:
        conn.execute(
            delete(group_members).where(
                group_members.c.group_id == group_id, group_members.c.member_id.in_(gone)
            )
        )
    next_seq = conn.execute(
        select(func.coalesce(func.max(group_members.c.seq), 0)).where(
            group_members.c.group_id == group_id
        )
    ).scalar_one()
    added = [member_id for member_id in wanted if member_id not in set(current)]
    if added:
        conn.execute(
            insert(group_members),
            [
                {"group_id": group_id, "member_id": member_id, "seq": next_seq + offset}
                for offset, member_id in enumerate(added, start=1)
            ],
        )


def forget_member(conn: Connection, member_id: str) -> None:
    """A deleted user leaves every group (deactivation, by contrast, keeps memberships)."""
    conn.execute(delete(group_members).where(group_members.c.member_id == member_id))
