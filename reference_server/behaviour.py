"""The seams of the server's behaviour: decisions a layer built into the server may take instead.

The server is the standard behaviour (`STANDARD`): every hook leaves the domain's or the RFC's
answer as it is. `scimcert serve --interop-profile` serves every request as `INTEROP_PROFILE`
instead: the stricter answers of the SCIM interoperability profile draft (docs/interop-profile.md),
which refuse what Okta and Entra send and so are never the default. A layer the server is built
with (the deliberate faults of `faults/`, when `serve --fault` or `--fault-api` asks for them)
may install another `Behaviour` for one request with `acting_as`, from the server's own; the SCIM
layer reads it from its `Context`, or with `current()` below it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

from sqlalchemy import Connection
from starlette.types import ASGIApp, Receive, Scope, Send

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

    def checks_assertion(self, rule: str) -> bool:
        """Whether the token endpoint holds a client assertion to `rule` of RFC 7523 3
        ("signature", "expiry", "audience"); "accepted": whether it takes assertions at all."""
        ...

    def claims_interop_profile(self) -> bool:
        """Whether /ServiceProviderConfig claims the interop profile (interopProfileConformant)."""
        ...

    def refuses_unknown_attributes(self) -> bool:
        """Whether a written attribute or schema URN the server does not define is a 400."""
        ...

    def requires_patch_path(self) -> bool:
        """Whether a PATCH operation without a `path` is a 400."""
        ...

    def replace_drops_omitted_sub_attributes(self) -> bool:
        """Whether a PATCH `replace` of a singular complex attribute drops the sub-attributes
        its value leaves out (or keeps them)."""
        ...

    def held_bulk_limits(self, operations: int, payload: int) -> tuple[int | None, int | None]:
        """The bulk limits /Bulk holds of those it declares (maxOperations, maxPayloadSize);
        None for one it lets pass."""
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

    def checks_assertion(self, rule: str) -> bool:
        return True

    def claims_interop_profile(self) -> bool:
        return False

    def refuses_unknown_attributes(self) -> bool:
        # RFC 7644 3.3 lets a server ignore them, and Entra's suite writes a misspelled one.
        return False

    def requires_patch_path(self) -> bool:
        # RFC 7644 3.5.2.1/3.5.2.3 allow a path-less add or replace; Okta and Entra send them.
        return False

    def replace_drops_omitted_sub_attributes(self) -> bool:
        # RFC 7644 3.5.2.3: "Sub-attributes that are not specified ... are left unchanged."
        return False

    def held_bulk_limits(self, operations: int, payload: int) -> tuple[int | None, int | None]:
        return operations, payload  # RFC 7644 3.7.4: exceeding either is 413


class InteropProfile(Standard):
    """The standard behaviour made as strict as draft-zollner-scim-interop-profile-01 asks."""

    def claims_interop_profile(self) -> bool:
        return True  # section 4

    def refuses_unknown_attributes(self) -> bool:
        return True  # section 5.3: 400 invalidSyntax

    def requires_patch_path(self) -> bool:
        return True  # section 6.5.1.1: 400 invalidSyntax

    def replace_drops_omitted_sub_attributes(self) -> bool:
        return True  # section 6.5.2.1: replace the entire complex attribute


STANDARD: Behaviour = Standard()
INTEROP_PROFILE: Behaviour = InteropProfile()

_CURRENT: ContextVar[Behaviour] = ContextVar("reference_server_behaviour", default=STANDARD)


def current() -> Behaviour:
    """The behaviour of the request being served (the standard one outside a request)."""
    return _CURRENT.get()


class ServedAs:
    """ASGI middleware serving the requests `covers` picks with the server's own behaviour
    (`--interop-profile` chooses it), the others with the standard one; a layer inside may still
    act as another for one request, from this one."""

    def __init__(self, app: ASGIApp, behaviour: Behaviour, covers: Callable[[str], bool]) -> None:
        self.app = app
        self.behaviour = behaviour
        self.covers = covers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        covered = scope["type"] == "http" and self.covers(scope["path"])
        with acting_as(self.behaviour if covered else STANDARD):
            await self.app(scope, receive, send)


@contextmanager
def acting_as(behaviour: Behaviour) -> Iterator[None]:
    """Serve the code inside with `behaviour`: for a middleware, around one request."""
    token = _CURRENT.set(behaviour)
    try:
        yield
    finally:
        _CURRENT.reset(token)
