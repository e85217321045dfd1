"""Group memberships: the one source of both `Group.members` and `User.groups`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from .prepared import Prepared, Reader
from .tables import group_members, groups, users


@dataclass(frozen=True, slots=True)
class Link:
    """One side of a membership: the other resource's id and its display name."""

    id: str
    display: str | None


_MEMBERS_OF = Prepared.of(
    select(
        group_members.c.group_id,
        users.c.id,
        func.coalesce(
            group_members.c.display,
            func.json_extract(users.c.doc, "$.displayName"),
            users.c.user_name,
        ),
    )
    .join(users, users.c.id == group_members.c.member_id)
    .where(
        group_members.c.group_id.in_(bindparam("ids", expanding=True)),
        users.c.deleted_at.is_(None),
    )
    .order_by(group_members.c.seq)
)

_GROUPS_OF = Prepared.of(
    select(group_members.c.member_id, groups.c.id, func.json_extract(groups.c.doc, "$.displayName"))
    .join(groups, groups.c.id == group_members.c.group_id)
    .where(
        group_members.c.member_id.in_(bindparam("ids", expanding=True)),
        groups.c.deleted_at.is_(None),
    )
    .order_by(groups.c.seq)
)


def _links(statement: Prepared, conn: Reader, ids: Collection[str]) -> dict[str, list[Link]]:
    """Owner id -> its links, for the owners in `ids`; read for every resource rendered."""
    found: dict[str, list[Link]] = defaultdict(list)
    if ids:
        for owner, linked, display in statement.rows(conn, ids=list(ids)):
            found[owner].append(Link(linked, display))
    return found


def members_of(conn: Reader, group_ids: Collection[str]) -> dict[str, list[Link]]:
    """Each group's live members, in the order they joined."""
    return _links(_MEMBERS_OF, conn, group_ids)


def groups_of(conn: Reader, user_ids: Collection[str]) -> dict[str, list[Link]]:
    """Each user's live groups, in the order the groups were created."""
    return _links(_GROUPS_OF, conn, user_ids)


def _known_members(conn: Connection, team_id: str, member_ids: Sequence[str]) -> list[str]:
    """The ids that name live users of the team, in the order given.

    RFC 7643 leaves referential integrity to the provider, and checkers (scim-sanity) expect an
    add of an unknown id to succeed. It is ignored rather than stored, so a group never points
    outside its team; the answer to the write shows the members as they now are.
    """
    known = set(
        conn.scalars(
            select(users.c.id).where(
                users.c.team_id == team_id,
                users.c.deleted_at.is_(None),
                users.c.id.in_(set(member_ids)),
            )
        )
    )
    return [member_id for member_id in member_ids if member_id in known]


def set_members(
    conn: Connection, team_id: str, group_id: str, members: Mapping[str, str | None]
) -> None:
    """Make the group's members exactly `members` (id -> display as the client sent it).

    Members already in keep their place; `display` is readWrite (RFC 7643 4.2), so a display
    the client sent is kept, and without one the user's own name is shown.
    """
    wanted = _known_members(conn, team_id, list(members))
    current = set(
        conn.scalars(select(group_members.c.member_id).where(group_members.c.group_id == group_id))
    )
    this_group = group_members.c.group_id == group_id
    gone = current - set(wanted)
    if gone:
        conn.execute(delete(group_members).where(this_group, group_members.c.member_id.in_(gone)))
    for member_id in current & set(wanted):
        conn.execute(
            update(group_members)
            .where(this_group, group_members.c.member_id == member_id)
            .values(display=members[member_id])
        )
    next_seq = conn.execute(
        select(func.coalesce(func.max(group_members.c.seq), 0)).where(this_group)
    ).scalar_one()
    added = [member_id for member_id in wanted if member_id not in current]
    if added:
        rows = [
            {
                "group_id": group_id,
                "member_id": member_id,
                "seq": next_seq + offset,
                "display": members[member_id],
            }
            for offset, member_id in enumerate(added, start=1)
        ]
        conn.execute(insert(group_members), rows)


def forget_member(conn: Connection, member_id: str) -> None:
    """A deleted user leaves every group (deactivation, by contrast, keeps memberships)."""
    conn.execute(delete(group_members).where(group_members.c.member_id == member_id))
