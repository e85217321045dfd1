"""Entra's group provisioning (docs/idp/entra.md#groups) and the validator's group tests.

The service looks a group up without its members, creates it without members and fills it by
PATCH, several members in one request (the gallery checklist asks servers to take that).
"""

from __future__ import annotations

from typing import Any

from ..crowd import aliases
from ..moves import find_or_create, first_id, patch
from ..options import choice
from ..strategies import VerbCall, strategy
from ..wire import Sent
from . import entra_bodies
from .entra_wire import BODY, MEMBER_OP, MEMBER_REF_NULL, op, reads, writes

WITHOUT_MEMBERS = {"excludedAttributes": "members"}


def _group_path(call: VerbCall) -> str:
    return f"/Groups/{call.group_id()}"


def _member_ids(call: VerbCall) -> list[str]:
    return [call.directory.scim_id(alias) for alias in aliases(call.args.get("members"))]


def _member_entries(call: VerbCall) -> list[dict[str, Any]]:
    """The default job writes `"$ref": null` beside each value (#groups); the flag does not."""
    if call.option("member_ref_null"):
        return [{"$ref": None, "value": member} for member in _member_ids(call)]
    return [{"value": member} for member in _member_ids(call)]


def _add_members(call: VerbCall) -> Sent:
    operation = {"op": op(call, call.option("member_op", "add")), "path": "members"}
    return patch(call, _group_path(call), [{**operation, "value": _member_entries(call)}])


@strategy("entra-push-group", *writes(BODY, MEMBER_REF_NULL, MEMBER_OP))
def push_group(call: VerbCall) -> Sent:
    """docs/idp/entra.md#groups: `GET /Groups?excludedAttributes=members&filter=displayName eq`;
    link the hit, else POST the group without members, then one batched PATCH adds them all.
    The validator (`body: validator`) POSTs its members with the group instead (#scim-validator).
    Returns the POST (or the lookup that linked): what the scenario saves the id from."""
    alias = str(call.args["group"])
    name = call.directory.group_name(alias)
    params = {**WITHOUT_MEMBERS, "filter": f'displayName eq "{name}"'}
    lookup = call.send("GET", "/Groups", params=params)
    validator = call.option("body") == "validator"
    outcome = find_or_create(
        call.directory.group_ids, alias, lookup, first_id(lookup), lambda: _create(call, name)
    )
    if outcome.linked:
        return outcome.answer
    if not validator and call.args.get("members") and alias in call.directory.group_ids:
        _add_members(call)
    return outcome.answer


def _create(call: VerbCall, name: str) -> Sent:
    """The service POSTs the group without members; the validator with them."""
    body = (
        entra_bodies.validator_group(name, _member_ids(call))
        if call.option("body") == "validator"
        else entra_bodies.service_group(name)
    )
    return call.send("POST", "/Groups", json_body=body)


@strategy("entra-members-add", *writes(MEMBER_REF_NULL, MEMBER_OP))
def add_members(call: VerbCall) -> Sent:
    """docs/idp/entra.md#groups (batched `Add` with `$ref: null`; with the flag `add`, plain
    values) and #scim-validator (the validator's `replace` of members: `member_op: replace`)."""
    return _add_members(call)


@strategy(
    "entra-members-remove", *writes(MEMBER_REF_NULL, choice("removal", "filter", "value-list"))
)
def remove_members(call: VerbCall) -> Sent:
    """docs/idp/entra.md#groups: the default job names the members in `value` with no filter (not
    RFC); with the flag and in the validator, one `members[value eq "..."]`
    path per member and no value (`removal: filter`)."""
    operations: list[dict[str, Any]]
    if call.option("removal") == "filter":
        operations = [
            {"op": op(call, "remove"), "path": f'members[value eq "{member}"]'}
            for member in _member_ids(call)
        ]
    else:
        operations = [{"op": op(call, "remove"), "path": "members", "value": _member_entries(call)}]
    return patch(call, _group_path(call), operations)


@strategy("entra-group-update", *writes(choice("style", "pathless", "per-attribute")))
def update_group(call: VerbCall) -> Sent:
    """docs/idp/entra.md#groups (`Replace displayName` with a path) and #scim-validator (the
    validator's path-less replace, `style: pathless`) of the `with` attributes."""
    changes: dict[str, Any] = dict(call.args.get("with") or {})
    if call.option("style") == "pathless":
        operations = [{"op": op(call, "replace"), "value": changes}]
    else:
        operations = [
            {"op": op(call, "replace"), "path": p, "value": v} for p, v in changes.items()
        ]
    return patch(call, _group_path(call), operations)


@strategy("entra-get-group", *reads())
def get_group(call: VerbCall) -> Sent:
    """docs/idp/entra.md#groups: by id, without its members."""
    return call.send("GET", _group_path(call), params=WITHOUT_MEMBERS)
