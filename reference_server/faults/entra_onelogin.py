"""Faults that break Entra ID's, OneLogin's or Ping's traffic beyond those in `idp.py`, as
docs/idp/entra.md, docs/idp/onelogin.md and docs/idp/ping.md describe it.

Each is a server mishandling one thing those clients send or read; refusals reuse `refusal`
from `idp.py` (the write becomes a read, then the error replaces the read's answer).
"""

from __future__ import annotations

from typing import Any

from .exchange import Exchange
from .idp import patch_operations, refusal
from .registry import fault
from .writes import drop_operations

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"  # lower case


def _is_enterprise(key: Any) -> bool:
    return isinstance(key, str) and key.lower().startswith(ENTERPRISE)


def _op_is(operation: Any, name: str) -> bool:
    return isinstance(operation, dict) and str(operation.get("op", "")).lower() == name


def _path(operation: Any) -> str:
    return str(operation.get("path") or "").strip().lower() if isinstance(operation, dict) else ""


# --- lookups: the connection tests and the group catalogue -----------------------------------


@fault(
    "filter-miss-server-error",
    "A filter that matches nothing answers 500: the empty result is not handled",
)
def _filter_miss_server_error(x: Exchange) -> None:
    # docs/idp/entra.md#test-connection, docs/idp/onelogin.md#connection-test: both tests filter on
    # a userName no one has; Entra wants 200 and an empty list, OneLogin an empty list or a 404.
    listed = x.listed()
    if listed is not None and x.filter_text() and listed.get("totalResults") == 0:
        x.answer_error(500, "Internal server error (deliberate fault)")


@fault(
    "unfiltered-group-list-empty",
    "GET /Groups without a filter answers an empty list: groups are found only by filter",
)
def _unfiltered_group_list_empty(x: Exchange) -> None:
    # docs/idp/onelogin.md#groups: OneLogin's "Refresh" lists /Groups with no filter.
    if x.on("Groups", "GET", item=False) and x.listed() is not None and not x.filter_text():
        x.answer_list([])


@fault(
    "excluded-attributes-ignored-on-groups",
    "`excludedAttributes` is ignored on /Groups: members come back anyway",
    phase="request",
)
def _excluded_attributes_ignored_on_groups(x: Exchange) -> None:
    # docs/idp/entra.md#groups: Entra reads groups with `excludedAttributes=members`; RFC 7644
    # 3.4.2.5 says the attributes named are left out.
    if x.on("Groups", "GET"):
        x.query = {k: v for k, v in x.query.items() if k.lower() != "excludedattributes"}


# --- creates: Entra's POST, OneLogin's template --------------------------------------------------


@fault(
    "enterprise-extension-ignored-on-create",
    "POST /Users ignores the enterprise extension: the user is created without department, "
    "employeeNumber or manager",
    phase="request",
)
def _enterprise_extension_ignored_on_create(x: Exchange) -> None:
    # docs/idp/entra.md#create: Entra's create carries the extension, nested under its URN.
    if x.on("Users", "POST", item=False) and isinstance(x.body, dict):
        x.body = {key: value for key, value in x.body.items() if not _is_enterprise(key)}


def _has_null(node: Any) -> bool:
    if node is None:
        return True
    if isinstance(node, dict):
        return any(_has_null(value) for value in node.values())
    if isinstance(node, list):
        return any(_has_null(item) for item in node)
    return False


# docs/idp/entra.md#create (Microsoft's example with "addresses": null, "manager": null) and
# docs/idp/onelogin.md#template (templates with "id": null): RFC 7643 2.5 treats null as unassigned.
refusal(
    "null-values-refused",
    'A POST /Users carrying a null value ("addresses": null, "id": null) is refused with 400',
    lambda x: x.on("Users", "POST", item=False) and _has_null(x.body),
    lambda x: x.answer_error(400, "null is not a valid attribute value", "invalidValue"),
)


# --- PATCH of users: the manager reference, roles ------------------------------------------------


def _manager_as_string(x: Exchange) -> bool:
    return any(
        (_path(op) == "manager" or _path(op).endswith(":manager"))
        and isinstance(op.get("value"), str)
        and bool(op["value"])
        for op in patch_operations(x, "Users")
        if isinstance(op, dict)
    )


# docs/idp/entra.md#manager: the service sends the manager's id as a plain string; the validator
# sends `{"value": id}` (docs/idp/entra.md#scim-validator).
refusal(
    "manager-string-refused",
    'PATCH setting the enterprise `manager` to a bare id string, not {"value": id}, is refused '
    "with 400",
    _manager_as_string,
    lambda x: x.answer_error(400, "manager must be a complex value", "invalidValue"),
)


@fault(
    "extension-attribute-remove-ignored",
    "PATCH `remove` of an enterprise extension attribute (`urn:...:User:manager`) answers 200 "
    "and changes nothing",
    phase="request",
)
def _extension_attribute_remove_ignored(x: Exchange) -> None:
    # docs/idp/entra.md#manager: the validator removes the manager with `remove` on its path.
    drop_operations(x, "Users", lambda op: _op_is(op, "remove") and _is_enterprise(_path(op)))


def _writes_roles(x: Exchange) -> bool:
    for op in patch_operations(x, "Users"):
        value = op.get("value") if isinstance(op, dict) else None
        if _path(op).startswith("roles"):
            return True
        if not _path(op) and isinstance(value, dict) and any(k.lower() == "roles" for k in value):
            return True
    return False


# docs/idp/entra.md#roles: Entra PATCHes app roles (a JSON string inside `value`, or objects with
# the flag); docs/domain.md#roles: roles from an IdP are ignored, never an error. This server treats
# them as read-only (RFC 7644 3.5.2: 400 mutability).
refusal(
    "roles-patch-refused",
    "PATCH operations writing `roles` are refused with 400 mutability",
    _writes_roles,
    lambda x: x.answer_error(400, "roles is read-only", "mutability"),
)


# --- PATCH of groups -----------------------------------------------------------------------------


@fault(
    "member-add-keeps-first",
    "A PATCH adding several members to a group adds only the first",
    phase="request",
)
def _member_add_keeps_first(x: Exchange) -> None:
    # docs/idp/entra.md#groups: Entra adds several members in one PATCH.
    for op in patch_operations(x, "Groups"):
        value = op.get("value") if isinstance(op, dict) else None
        if _op_is(op, "add") and _path(op) == "members" and isinstance(value, list):
            op["value"] = value[:1]


# --- PUT of users: OneLogin's updates and suspensions --------------------------------------------


def _put_body(x: Exchange) -> dict[str, Any] | None:
    return x.body if x.on("Users", "PUT", item=True) and isinstance(x.body, dict) else None


@fault(
    "put-ignores-active",
    "PUT /Users/{id} ignores `active`: users are (de)activated only by PATCH",
    phase="request",
)
def _put_ignores_active(x: Exchange) -> None:
    # docs/idp/onelogin.md#deprovisioning: OneLogin suspends (and restores) with a PUT carrying
    # active.
    body = _put_body(x)
    if body is not None:
        x.body = {key: value for key, value in body.items() if key.lower() != "active"}


@fault(
    "put-drops-name",
    "PUT /Users/{id} does not read `name`: the replaced user is left without one",
    phase="request",
)
def _put_drops_name(x: Exchange) -> None:
    # docs/idp/onelogin.md#updates: OneLogin's updates are PUTs of the whole template, name and
    # all; RFC 7644 3.5.1: PUT replaces with what it carries, so the name is lost.
    body = _put_body(x)
    if body is not None:
        x.body = {key: value for key, value in body.items() if key.lower() != "name"}
