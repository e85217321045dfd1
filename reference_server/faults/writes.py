"""Faults in what writes do: PUT, PATCH and DELETE, and the team lifecycle behind them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, delete

from ..storage.tables import grants, group_members
from .exchange import Exchange
from .registry import fault, hook

# Writes: PUT, PATCH, DELETE of users and groups.


@fault(
    "put-without-active-deactivates",
    "A PUT of a user without `active` deactivates the user",
    phase="request",
)
def _put_without_active_deactivates(x: Exchange) -> None:
    body = x.body if x.on("Users", "PUT", item=True) else None
    if isinstance(body, dict) and not any(key.lower() == "active" for key in body):
        body["active"] = False


PUT_MERGES = hook("put-merges", "PUT keeps the attributes it does not carry")


def _members_op(operation: Any, op: str) -> bool:
    if not isinstance(operation, dict) or str(operation.get("op", "")).lower() != op:
        return False
    path, value = str(operation.get("path") or ""), operation.get("value")
    if path:
        return path.lower().startswith("members")
    return isinstance(value, dict) and any(key.lower() == "members" for key in value)


def drop_operations(x: Exchange, collection: str, dropped: Callable[[Any], bool]) -> None:
    """A PATCH without the dropped operations; with none left it is answered like a GET."""
    operations = x.body.get("Operations") if isinstance(x.body, dict) else None
    if x.on(collection, "PATCH", item=True) and isinstance(operations, list):
        kept = [operation for operation in operations if not dropped(operation)]
        x.body["Operations"] = kept
        if not kept:
            x.route_as = "GET"


@fault("group-adds-ignored", "PATCH adding group members answers 200, adds no one", phase="request")
def _group_adds_ignored(x: Exchange) -> None:
    drop_operations(x, "Groups", lambda operation: _members_op(operation, "add"))


@fault(
    "group-removes-ignored",
    "PATCH removing group members answers 200, removes no one",
    phase="request",
)
def _group_removes_ignored(x: Exchange) -> None:
    drop_operations(x, "Groups", lambda operation: _members_op(operation, "remove"))


def elsewhere_than(attribute: str, *, filtered: bool = False) -> Callable[[Any], bool]:
    """Whether a PATCH operation touches anything but `attribute` (by its path, or, path-less,
    by the keys of its value); `filtered`: a path such as `members[value eq "x"]` counts too."""

    def elsewhere(operation: Any) -> bool:
        if not isinstance(operation, dict):
            return True
        path, value = str(operation.get("path") or "").lower(), operation.get("value")
        if path:
            return not (path.startswith(attribute) if filtered else path == attribute)
        return not (isinstance(value, dict) and {key.lower() for key in value} == {attribute})

    return elsewhere


@fault(
    "patch-only-active",
    "PATCH of a user applies `active` and ignores everything else",
    phase="request",
)
def _patch_only_active(x: Exchange) -> None:
    drop_operations(x, "Users", elsewhere_than("active"))


@fault("delete-not-deleting", "DELETE answers 204 but removes nothing", phase="request")
def _delete_not_deleting(x: Exchange) -> None:
    if x.on("Users", "DELETE", item=True) or x.on("Groups", "DELETE", item=True):
        x.route_as = "GET"


@fault("delete-not-deleting", phase="response")
def _delete_not_deleting_answer(x: Exchange) -> None:
    if x.method == "DELETE" and x.route_as == "GET" and x.status == 200:
        x.answer(204)


@fault("delete-refused", "DELETE of a user answers 403")
def _delete_refused(x: Exchange) -> None:
    if x.on("Users", "DELETE", item=True) and x.status == 204:
        x.answer_error(403, "Users cannot be deleted here")


@fault("create-omits-active", "POST /Users answers without `active`")
def _create_omits_active(x: Exchange) -> None:
    if x.on("Users", "POST", item=False) and x.status == 201:
        for resource in x.resources():
            resource.pop("active", None)


@fault("read-omits-name", "GET /Users/{id} answers without `name`")
def _read_omits_name(x: Exchange) -> None:
    if x.on("Users", "GET", item=True):
        for resource in x.resources():
            resource.pop("name", None)


@fault("roles-omitted", "Users are returned without `roles`")
def _roles_omitted(x: Exchange) -> None:
    if x.on("Users"):
        for resource in x.resources():
            resource.pop("roles", None)


@fault("group-create-drops-members", "POST /Groups ignores `members`", phase="request")
def _group_create_drops_members(x: Exchange) -> None:
    if x.on("Groups", "POST", item=False) and isinstance(x.body, dict):
        for key in [key for key in x.body if key.lower() == "members"]:
            del x.body[key]


# The team lifecycle (app probe): decided by `FaultBehaviour` (behaviour.py) at the server's seams.

DEACTIVATION_DELETES = hook("deactivation-deletes", "Deactivating a user deletes them")
DEACTIVATION_IGNORED = hook(
    "deactivation-ignored",
    "Deactivation shows in SCIM, but the member stays in the team and can sign in",
)
ROLE_KEPT_ON_REACTIVATION = hook(
    "role-kept-on-reactivation", "A reactivated member keeps their old role"
)
ACCESS_LOST_ON_REACTIVATION = hook(
    "access-lost-on-reactivation",
    "Reactivation drops the member's direct grants and group memberships",
)
PROVISIONED_AS_ADMIN = hook("provisioned-as-admin", "Users created over SCIM get the role admin")


def drop_access(conn: Connection, member_id: str) -> None:
    """For `access-lost-on-reactivation`: the member's direct grants and memberships go."""
    conn.execute(
        delete(grants).where(grants.c.grantee_kind == "member", grants.c.grantee_id == member_id)
    )
    conn.execute(delete(group_members).where(group_members.c.member_id == member_id))
