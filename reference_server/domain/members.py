"""Team members and the lifecycle rules of the product, free of SCIM and HTTP.

A member is in the team while active. Deactivation takes them out of the team and blocks
sign-in but keeps their data, memberships and grants; reactivation brings them back as a plain
`member` with the same access as before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"


@dataclass(frozen=True, slots=True)
class MemberState:
    """What the app knows of a member beyond their profile."""

    role: Role
    active: bool
    deleted: bool = False

    @property
    def in_team(self) -> bool:
        return self.active and not self.deleted

    @property
    def can_sign_in(self) -> bool:
        return self.in_team


def provision(*, active: bool = True) -> MemberState:
    """A member created by provisioning starts with the role `member`."""
    return MemberState(role=Role.MEMBER, active=active)


def deactivate(state: MemberState) -> MemberState:
    """Out of the team, no sign-in; role, data, memberships and grants are kept."""
    return replace(state, active=False)


def reactivate(state: MemberState) -> MemberState:
    """Back in the team with the role reset to `member`; their grants apply again as they were."""
    return replace(state, active=True, role=Role.MEMBER)


def set_activity(state: MemberState, active: bool) -> MemberState:
    """The transition an IdP's `active` value asks for; unchanged activity changes nothing."""
    if active == state.active:
        return state
    return reactivate(state) if active else deactivate(state)


def set_role(state: MemberState, role: Role) -> MemberState:
    """An admin's change of role inside the app (never through SCIM)."""
    return replace(state, role=role)


def delete(state: MemberState) -> MemberState:
    """Permanent deletion: gone from SCIM; the row is retained until a purge."""
    return replace(state, active=False, deleted=True)
