"""Effective access: what a member can open, from direct grants and their groups' grants."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .members import MemberState


@dataclass(frozen=True, slots=True)
class Grant:
    target_kind: str  # "space" | "document"
    target_name: str


@dataclass(frozen=True, slots=True)
class Access:
    spaces: tuple[str, ...]
    documents: tuple[str, ...]


def effective_access(state: MemberState, grants: Iterable[Grant]) -> Access:
    """The union of a member's direct and group grants, while they are in the team.

    Grants of an inactive member are kept, not revoked, so reactivation restores the same access.
    """
    if not state.in_team:
        return Access(spaces=(), documents=())
    held = set(grants)
    return Access(
        spaces=tuple(sorted(g.target_name for g in held if g.target_kind == "space")),
        documents=tuple(sorted(g.target_name for g in held if g.target_kind == "document")),
    )
