"""Microsoft Entra ID's provisioning service (and its SCIM Validator) speaking to /Users.

One set of strategies serves the three Entra profiles; what differs between them is data in the
profile (entra_wire.py lists the options): op casing, string or JSON booleans, the Tenant URL's
flag, per-attribute or collapsed PATCH, and the shape of the manager reference.
"""

from __future__ import annotations

import json
from typing import Any

from ..moves import find_or_create, first_id, patch
from ..options import choice
from ..strategies import VerbCall, strategy
from ..wire import Sent
from . import entra_bodies
from .entra_wire import (
    BODY,
    MANAGER_PATH,
    MATCH,
    object_id,
    op,
    random_guid,
    reads,
    writes,
)


def _user_path(call: VerbCall) -> str:
    return f"/Users/{call.user_id()}"


@strategy("entra-test-connection", *reads(MATCH))
def test_connection(call: VerbCall) -> Sent:
    """docs/idp/entra.md#test-connection: Test Connection filters /Users on the matching attribute
    with a random GUID; the server must answer 200 with an empty ListResponse (not 404, not 400)."""
    attribute = call.option("match", "userName")
    guid = random_guid(call, "test-connection")
    return call.send("GET", "/Users", params={"filter": f'{attribute} eq "{guid}"'})


@strategy("entra-match-then-create", *reads(MATCH, BODY))
def match_then_create(call: VerbCall) -> Sent:
    """docs/idp/entra.md#matching, #create: query by the matching attribute (`userName`, or
    `externalId` as an option); link the first hit, else POST the user with the enterprise
    extension. The manager is not in the POST: it comes in a second pass (`set_manager`)."""
    person = call.person()
    attribute = call.option("match", "userName")
    value = person.idp_id if attribute == "externalId" else person.user_name
    lookup = call.send("GET", "/Users", params={"filter": f'{attribute} eq "{value}"'})
    return find_or_create(
        call.directory.scim_ids, person.alias, lookup, first_id(lookup), lambda: _create(call)
    ).answer


def _create(call: VerbCall) -> Sent:
    """The POST of Entra's service, or of the validator (`body: validator`)."""
    validator = call.option("body") == "validator"
    body = (entra_bodies.validator_user if validator else entra_bodies.service_user)(call.person())
    body.update(call.args.get("with") or {})
    return call.send("POST", "/Users", json_body=body)


def _operations(call: VerbCall) -> list[dict[str, Any]]:
    """`with` (replaced) and `add` (new) attributes as the profile's `style` writes them.

    - `per-attribute`: one op per attribute, each with its path (the default job,
      docs/idp/entra.md#attribute-updates; the validator's verbose mode, #scim-validator);
    - `collapsed`: valuePath attributes keep their own op; all the others go into one path-less
      replace with dotted and URN keys inside `value` (the flag, #dialects);
    - `pathless`: everything in one path-less replace (the validator, #scim-validator).
    """
    style = call.option("style", "per-attribute")
    replaced: dict[str, Any] = dict(call.args.get("with") or {})
    added = [
        {"op": op(call, "add"), "path": p, "value": v}
        for p, v in (call.args.get("add") or {}).items()
    ]
    if style == "per-attribute":
        own, collapsed = replaced, {}
    elif style == "collapsed":
        own = {path: value for path, value in replaced.items() if "[" in path}
        collapsed = {path: value for path, value in replaced.items() if "[" not in path}
    else:
        own, collapsed = {}, replaced
    operations = [{"op": op(call, "replace"), "path": p, "value": v} for p, v in own.items()]
    if collapsed:
        operations.append({"op": op(call, "replace"), "value": collapsed})
    return operations + added


@strategy(
    "entra-patch-attributes", *writes(choice("style", "collapsed", "pathless", "per-attribute"))
)
def patch_attributes(call: VerbCall) -> Sent:
    """docs/idp/entra.md#attribute-updates: an update as the profile's dialect writes it."""
    return patch(call, _user_path(call), _operations(call))


@strategy(
    "entra-manager",
    *writes(choice("manager_form", "complex", "string"), choice("manager_op", "add", "replace")),
)
def set_manager(call: VerbCall) -> Sent:
    """docs/idp/entra.md#manager (a second pass), #scim-validator: the manager's id as a
    plain string (the service), or complex `{"value": id}` (the validator: `manager_form`);
    `manager_op` says add (set) or replace (change)."""
    manager = call.directory.scim_id(str(call.args["manager"]))
    value: Any = {"value": manager} if call.option("manager_form") == "complex" else manager
    operation = {
        "op": op(call, call.option("manager_op", "add")),
        "path": MANAGER_PATH,
        "value": value,
    }
    return patch(call, _user_path(call), [operation])


@strategy("entra-remove-manager", *writes(choice("form", "empty-replace", "remove")))
def remove_manager(call: VerbCall) -> Sent:
    """docs/idp/entra.md#manager, #scim-validator: `replace` with `""` (the Logic App, also used
    for the service, whose own shape is undocumented) or `remove` with the path (`form: remove`)."""
    if call.option("form") == "remove":
        operation: dict[str, Any] = {"op": op(call, "remove"), "path": MANAGER_PATH}
    else:
        operation = {"op": op(call, "replace"), "path": MANAGER_PATH, "value": ""}
    return patch(call, _user_path(call), [operation])


@strategy(
    "entra-patch-roles",
    *writes(choice("form", "json-string", "object"), choice("role_primary", "string", "boolean")),
)
def patch_roles(call: VerbCall) -> Sent:
    """docs/idp/entra.md#roles: an app role assigned in Entra. The default job sends the role
    object JSON-encoded as a string inside `value`; with the flag, the same objects as a POST.
    The validator's roles are inferred from its POST bodies (#scim-validator): it is not known to
    PATCH them."""
    role = str(call.args["role"])
    if call.option("form") == "json-string":
        encoded = json.dumps({"id": object_id(role), "value": role, "displayName": role})
        entries: list[dict[str, Any]] = [{"value": encoded}]
    else:
        # The validator writes `primary` as the string "True" (docs/idp/entra.md#scim-validator).
        primary: bool | str = "True" if call.option("role_primary") == "string" else True
        entries = [{"primary": primary, "type": "WindowsAzureActiveDirectoryRole", "value": role}]
    return patch(
        call, _user_path(call), [{"op": op(call, "add"), "path": "roles", "value": entries}]
    )
