"""The RFC's own client (RFC 7644): strategies any profile may name, each request written
by the profile family's dialect (`strategies.Dialect`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..batches import MEMBER_BATCH, member_batches, send_batches
from ..crowd import aliases
from ..moves import (
    active_operation,
    link_or_create_user,
    patch,
    remember_created,
)
from ..options import ACTIVE_PATH, ACTIVE_VALUE, BOOLEANS, OP, OPS, count, table
from ..strategies import GROUP_SCHEMA, VerbCall, strategy, user_body
from ..wire import Sent, body_of, status_of


@strategy("lookup-then-create", table("params", {"type": "string"}))
def lookup_then_create(call: VerbCall) -> Sent:
    """Look the user up by userName; link when found, else create (RFC 7644 3.4.2.2, 3.3)."""
    person = call.person()
    params = {"filter": f'userName eq "{person.user_name}"', **call.options.get("params", {})}
    return link_or_create_user(call, call.send("GET", "/Users", params=params))


@strategy("get-user")
def get_user(call: VerbCall) -> Sent:
    return call.send("GET", f"/Users/{call.user_id()}")


@strategy("patch-attributes", OP)
def patch_attributes(call: VerbCall) -> Sent:
    """One operation per changed attribute, with its path."""
    changes: Mapping[str, Any] = call.args.get("with", {})
    op = call.options.get("op", "replace")
    operations = [{"op": op, "path": path, "value": value} for path, value in changes.items()]
    return patch(call, f"/Users/{call.user_id()}", operations)


@strategy("patch-active", ACTIVE_VALUE, ACTIVE_PATH, OP, OPS, BOOLEANS)
def patch_active(call: VerbCall) -> Sent:
    """`active` set by PATCH (deactivate, reactivate), in any family's dialect: with a path
    (RFC 7644 3.5.2.3; Entra, docs/idp/entra.md#disable-and-re-enable) or path-less with
    `{"active": ...}` as the value (Okta OIN, docs/idp/okta.md#deactivation)."""
    operation = active_operation(call, bool(call.options["value"]))
    return patch(call, f"/Users/{call.user_id()}", [operation])


@strategy("delete-user")
def delete_user(call: VerbCall) -> Sent:
    return call.send("DELETE", f"/Users/{call.user_id()}")


@strategy("create-group")
def create_group(call: VerbCall) -> Sent:
    alias = str(call.args["group"])
    members = [
        {"value": call.directory.scim_id(user)} for user in aliases(call.args.get("members"))
    ]
    body = {
        "schemas": [GROUP_SCHEMA],
        "displayName": call.directory.group_name(alias),
        "members": members,
    }
    created = call.send("POST", "/Groups", json_body=body)
    remember_created(created, call.directory.group_ids, alias)
    return created


def _member_ids(call: VerbCall) -> list[str]:
    return [call.directory.scim_id(user) for user in aliases(call.args.get("members"))]


def _add_members(members: list[str]) -> dict[str, Any]:
    return {"op": "add", "path": "members", "value": [{"value": member} for member in members]}


def _patch_batches(call: VerbCall, removals: list[dict[str, Any]], added: list[str]) -> Sent:
    """One PATCH, or one per `member_batch` members (docs/group-limits.md#how-idps-send-them)."""
    batches = member_batches(call, removals, added, _add_members)
    path = f"/Groups/{call.group_id()}"
    return send_batches(batches, lambda operations: patch(call, path, operations))


@strategy("patch-members-add", MEMBER_BATCH)
def patch_members_add(call: VerbCall) -> Sent:
    return _patch_batches(call, [], _member_ids(call))


@strategy("patch-members-remove", MEMBER_BATCH)
def patch_members_remove(call: VerbCall) -> Sent:
    """One `members[value eq "..."]` removal per member (RFC 7644 3.5.2.2)."""
    removals = [
        {"op": "remove", "path": f'members[value eq "{member}"]'} for member in _member_ids(call)
    ]
    return _patch_batches(call, removals, [])


@strategy("get-group")
def get_group(call: VerbCall) -> Sent:
    """A pushed group read by its id (RFC 7644 3.4.1), as Okta does to see it still exists."""
    return call.send("GET", f"/Groups/{call.group_id()}")


@strategy("delete-group")
def delete_group(call: VerbCall) -> Sent:
    return call.send("DELETE", f"/Groups/{call.group_id()}")


@strategy("page-users", count("page_size"))
def page_users(call: VerbCall) -> Sent:
    """Page through /Users from startIndex 1 by the profile's page size until totalResults."""
    size = int(call.options.get("page_size", 100))
    start = 1
    while True:
        page = call.send("GET", "/Users", params={"startIndex": str(start), "count": str(size)})
        body = body_of(page)
        total = body.get("totalResults") if isinstance(body, dict) else None
        if not isinstance(total, int) or start + size > total:
            return page
        start += size


@strategy("create-users")
def create_users(call: VerbCall) -> Sent:
    """Setup for a scenario that needs hundreds of people (`users: {prefix: m, count: 600}`):
    one plain POST /Users each (RFC 7644 3.3), half the requests of an IdP's lookup-then-create.
    Returns the first POST the server refused, else the last."""
    answer: Sent | None = None
    for alias in aliases(call.args.get("users")):
        body = user_body(call.directory.person(alias))
        answer = call.send("POST", "/Users", json_body=body)
        remember_created(answer, call.directory.scim_ids, alias)
        if status_of(answer) != 201:
            return answer
    if answer is None:
        raise ValueError("create_users needs `users`")
    return answer
