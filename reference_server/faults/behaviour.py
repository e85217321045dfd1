"""The faults that change what the server decides, plugged into its seams (`..behaviour`).

Each `hook` fault undoes one decision of the standard behaviour, and only that one; the domain's
rules themselves are never touched. The decisions only the interop profile takes
(`--interop-profile`) are asked of the server's own behaviour, `base`, and undone the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import Connection

from ..behaviour import STANDARD, Behaviour, Standard
from ..domain.members import MemberState, Role
from .group_limits import BULK_OPERATIONS_IGNORED, BULK_PAYLOAD_IGNORED
from .interop import COMPLEX_REPLACE_MERGES, PATHLESS_PATCH_ACCEPTED, UNKNOWN_ATTRIBUTE_IGNORED
from .ipsie import UNCHECKED_ASSERTION_RULES
from .protocol import AUTH_NOT_ENFORCED
from .robust_writes import ASCII_ONLY_CASE_FOLDING, nocase
from .variants import VALUE_PATH_REPLACE_NO_TARGET
from .writes import (
    ACCESS_LOST_ON_REACTIVATION,
    DEACTIVATION_DELETES,
    DEACTIVATION_IGNORED,
    PROVISIONED_AS_ADMIN,
    PUT_MERGES,
    ROLE_KEPT_ON_REACTIVATION,
    drop_access,
)


class FaultBehaviour(Standard):
    """The standard behaviour with the decisions of the faults in `on` undone."""

    def __init__(self, on: frozenset[str], base: Behaviour = STANDARD) -> None:
        self.on = on
        self.base = base

    def provisioned_role(self, role: Role) -> Role:
        return Role.ADMIN if PROVISIONED_AS_ADMIN in self.on else role

    def settle_transition(
        self, conn: Connection, member_id: str, before: MemberState, after: MemberState
    ) -> MemberState:
        reactivated = after.active and not before.active
        if reactivated and ROLE_KEPT_ON_REACTIVATION in self.on:
            after = replace(after, role=before.role)
        if reactivated and ACCESS_LOST_ON_REACTIVATION in self.on:
            drop_access(conn, member_id)
        return after

    def deactivation_deletes(self) -> bool:
        return DEACTIVATION_DELETES in self.on

    def put_keeps_omitted(self) -> bool:
        return PUT_MERGES in self.on

    def case_folding(self) -> Callable[[str], str] | None:
        return nocase if ASCII_ONLY_CASE_FOLDING in self.on else None

    def enforces_scim_auth(self) -> bool:
        return AUTH_NOT_ENFORCED not in self.on

    def replace_creates_unmatched(self) -> bool:
        return VALUE_PATH_REPLACE_NO_TARGET not in self.on

    def deactivation_releases_access(self) -> bool:
        return DEACTIVATION_IGNORED not in self.on

    def checks_assertion(self, rule: str) -> bool:
        unchecked = self.on & UNCHECKED_ASSERTION_RULES.keys()
        skipped = {UNCHECKED_ASSERTION_RULES[name] for name in unchecked}
        return rule not in skipped and self.base.checks_assertion(rule)

    def claims_interop_profile(self) -> bool:
        return self.base.claims_interop_profile()

    def refuses_unknown_attributes(self) -> bool:
        refuses = self.base.refuses_unknown_attributes()
        return refuses and UNKNOWN_ATTRIBUTE_IGNORED not in self.on

    def requires_patch_path(self) -> bool:
        return self.base.requires_patch_path() and PATHLESS_PATCH_ACCEPTED not in self.on

    def replace_drops_omitted_sub_attributes(self) -> bool:
        drops = self.base.replace_drops_omitted_sub_attributes()
        return drops and COMPLEX_REPLACE_MERGES not in self.on

    def held_bulk_limits(self, operations: int, payload: int) -> tuple[int | None, int | None]:
        return (
            None if BULK_OPERATIONS_IGNORED in self.on else operations,
            None if BULK_PAYLOAD_IGNORED in self.on else payload,
        )
