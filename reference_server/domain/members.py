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


# What each role is in the team (docs/domain.md#roles), in the order the roles are listed: the
# team's roles as an IdP discovers them (Okta's entitlement discovery reads them as `/Roles`).
ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.OWNER: "Owns the team; the role is given in the app, never by provisioning",
    Role.ADMIN: "Administers the team; the role is given in the app, never by provisioning",
    Role.MEMBER: "A member of the team; every provisioned or reactivated member has this role",
}


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
