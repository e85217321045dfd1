"""The seams of the server's behaviour: decisions a layer built into the server may take instead.

The server is the standard behaviour (`STANDARD`): every hook leaves the domain's or the RFC's
answer as it is. A layer the server is built with (the deliberate faults of `faults/`, when
`serve --fault` or `--fault-api` asks for them) may install another `Behaviour` for one request
with `acting_as`; the SCIM layer reads it from its `Context`, or with `current()` below it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

from sqlalchemy import Connection

from .domain.members import MemberState, Role


class Behaviour(Protocol):
    """What the server decides at each seam; each method names the decision it takes."""

    def provisioned_role(self, role: Role) -> Role:
        """The role a member created over SCIM gets; `role` is the domain's."""
        ...

    def settle_transition(
        self, conn: Connection, member_id: str, before: MemberState, after: MemberState
    ) -> MemberState:
        """The state a write that changes a member leaves them in; may act on their access."""
        ...

    def deactivation_deletes(self) -> bool:
        """Whether deactivating a member deletes them."""
        ...

    def put_keeps_omitted(self) -> bool:
        """Whether a PUT keeps the attributes it does not carry."""
        ...

    def case_folding(self) -> Callable[[str], str] | None:
        """Another comparison form for case-insensitive strings; None keeps the prepared one."""
        ...

    def enforces_scim_auth(self) -> bool:
        """Whether SCIM requests need the team's bearer token (the app probe always does)."""
        ...

    def replace_creates_unmatched(self) -> bool:
        """Whether a PATCH replace whose value filter matches no entry creates it (or 400s)."""
        ...

    def deactivation_releases_access(self) -> bool:
        """Whether the app lets go of a deactivated member (their team seat and sign-in)."""
        ...


class Standard:
    """The reference server's own behaviour: every decision is the domain's or the RFC's."""

    def provisioned_role(self, role: Role) -> Role:
        return role

    def settle_transition(
        self, conn: Connection, member_id: str, before: MemberState, after: MemberState
    ) -> MemberState:
        return after

    def deactivation_deletes(self) -> bool:
        return False

    def put_keeps_omitted(self) -> bool:
        return False

    def case_folding(self) -> Callable[[str], str] | None:
        return None

    def enforces_scim_auth(self) -> bool:
        return True

    def replace_creates_unmatched(self) -> bool:
        # RFC 7644 3.5.2.3 asks for 400 noTarget; Entra expects the entry to be created.
        return True

    def deactivation_releases_access(self) -> bool:
        return True


STANDARD: Behaviour = Standard()

_CURRENT: ContextVar[Behaviour] = ContextVar("reference_server_behaviour", default=STANDARD)


def current() -> Behaviour:
    """The behaviour of the request being served (the standard one outside a request)."""
    return _CURRENT.get()


@contextmanager
def acting_as(behaviour: Behaviour) -> Iterator[None]:
    """Serve the code inside with `behaviour`: for a middleware, around one request."""
    token = _CURRENT.set(behaviour)
    try:
        yield
    finally:
        _CURRENT.reset(token)
