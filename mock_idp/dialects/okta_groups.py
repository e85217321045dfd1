"""Okta Group Push (docs/idp/okta.md#group-push): find or create the group, then push its members.

OIN apps PATCH: adds as `{"op":"add","path":"members","value":[{value, display}]}` (member
objects without `type`), removals as `members[value eq "..."]`, Push Now as a full `replace`
(`[]` for an empty group), a rename as a path-less `replace` carrying the group's `id` inside
`value`. AIW apps PUT the group with its whole member list instead. Okta knows which members it
pushed, so it keeps them (`directory.facts["push"]`, also what the IdP reports to scenarios).
"""

from __future__ import annotations

from typing import Any

from ..batches import MEMBER_BATCH, member_batches, send_batches
from ..crowd import aliases
from ..moves import find_or_create, first_id, patch
from ..options import OP, flag
from ..strategies import GROUP_SCHEMA, VerbCall, strategy
from ..wire import Sent, status_of
from .okta import answered
from .okta_wire import FIRST_PAGE


def pushed(call: VerbCall) -> dict[str, Any]:
    """Okta's record of one pushed group: its name and the members it pushed, by alias."""
    alias = str(call.args["group"])
    groups: Any = call.directory.facts.setdefault("push", {})
    record: dict[str, Any] = groups.setdefault(alias, {"members": []})
    record["displayName"] = call.directory.group_name(alias)
    record["id"] = call.directory.group_ids.get(alias, "")
    return record


def member_object(call: VerbCall, alias: str) -> dict[str, str]:
    """docs/idp/okta.md#group-push: `value` and `display` (the userName), no `type`."""
    person = call.directory.person(alias)
    return {"value": call.directory.scim_id(alias), "display": person.user_name}


def find_group(call: VerbCall, name: str) -> tuple[Sent, str | None]:
    """The link flow's lookup: `displayName eq`, with startIndex=1&count=100 (#group-push)."""
    params = {"filter": f'displayName eq "{name}"', **FIRST_PAGE}
    lookup = call.send("GET", "/Groups", params=params)
    return lookup, first_id(lookup, counted=False)


def _patch(call: VerbCall, operations: list[dict[str, Any]]) -> Sent:
    return patch(call, f"/Groups/{call.group_id()}", operations)


def _add(call: VerbCall, members: list[str]) -> dict[str, Any]:
    value = [member_object(call, alias) for alias in members]
    return {"op": "add", "path": "members", "value": value}


def _patch_batches(call: VerbCall, removed: list[str], added: list[str]) -> Sent:
    """docs/group-limits.md#how-idps-send-them: at most `member_batch` members to a PATCH."""
    removals = [
        {"op": "remove", "path": f'members[value eq "{call.directory.scim_id(alias)}"]'}
        for alias in removed
    ]
    batches = member_batches(call, removals, added, lambda chunk: _add(call, chunk))
    return send_batches(batches, lambda operations: _patch(call, operations))


def _put(call: VerbCall, record: dict[str, Any]) -> Sent:
    """docs/idp/okta.md#group-push (AIW): the group's displayName and its whole member list."""
    body = {
        "schemas": [GROUP_SCHEMA],
        "displayName": record["displayName"],
        "members": [member_object(call, alias) for alias in record["members"]],
    }
    return call.send("PUT", f"/Groups/{call.group_id()}", json_body=body)


def _create(call: VerbCall, name: str) -> Sent:
    body = {"schemas": [GROUP_SCHEMA], "displayName": name, "members": []}
    return call.send("POST", "/Groups", json_body=body)


@strategy("okta-push-group", flag("put"), MEMBER_BATCH)
def push_group(call: VerbCall) -> Sent:
    """docs/idp/okta.md#group-push: look the group up by displayName; link it, or POST it with
    `members: []`; then push its members (PATCH add after a create, Push Now's replace after a link;
    PUT for AIW). Returns the POST (or the lookup that linked), whose id the scenario saves."""
    alias = str(call.args["group"])
    name = call.directory.group_name(alias)
    lookup, found = find_group(call, name)
    if not answered(lookup):
        return lookup
    outcome = find_or_create(
        call.directory.group_ids, alias, lookup, found, lambda: _create(call, name)
    )
    result = outcome.answer
    if not outcome.linked and status_of(result) != 201:
        return result
    record = pushed(call)
    record["members"] = aliases(call.args.get("members"))
    if found is None and not record["members"]:
        return result  # created empty: nothing to push
    if call.options.get("put"):
        _put(call, record)
    elif found is not None:
        members = [member_object(call, member) for member in record["members"]]
        _patch(call, [{"op": "replace", "path": "members", "value": members}])
    else:
        _patch_batches(call, [], record["members"])
    return result


def _changed(call: VerbCall) -> tuple[list[str], list[str]]:
    """(added, removed) aliases: `members` under the verb's op, or explicit `add` / `remove`."""
    op = call.options.get("op")
    members = aliases(call.args.get("members"))
    added = aliases(call.args.get("add")) + (members if op == "add" else [])
    removed = aliases(call.args.get("remove")) + (members if op == "remove" else [])
    return added, removed


def _apply(record: dict[str, Any], added: list[str], removed: list[str]) -> None:
    kept = [alias for alias in record["members"] if alias not in removed]
    record["members"] = kept + [alias for alias in added if alias not in kept]


@strategy("okta-patch-members", OP, MEMBER_BATCH)
def patch_members(call: VerbCall) -> Sent:
    """docs/idp/okta.md#group-push (OIN): removals by `members[value eq "..."]`, then one add, in
    one PATCH; a change of more than `member_batch` members in several (docs/group-limits.md)."""
    added, removed = _changed(call)
    _apply(pushed(call), added, removed)
    return _patch_batches(call, removed, added)


@strategy("okta-push-now")
def push_now(call: VerbCall) -> Sent:
    """docs/idp/okta.md#group-push (OIN, Push Now): a full overwrite, `"value": []` for an empty
    group."""
    record = pushed(call)
    if "members" in call.args:
        record["members"] = aliases(call.args["members"])
    value = [member_object(call, alias) for alias in record["members"]]
    return _patch(call, [{"op": "replace", "path": "members", "value": value}])


def rename(call: VerbCall) -> str:
    """The new name (`to`, under the run's prefix), which the directory now knows the group by."""
    alias = str(call.args["group"])
    name = f"{call.directory.run_prefix}-{call.args['to']}"
    call.directory.group_names[alias] = name
    return name


@strategy("okta-rename-group")
def rename_group(call: VerbCall) -> Sent:
    """docs/idp/okta.md#group-push (OIN): path-less replace with the group's own `id` inside
    `value`."""
    value = {"id": call.group_id(), "displayName": rename(call)}
    pushed(call)
    return _patch(call, [{"op": "replace", "value": value}])


@strategy("okta-put-group", flag("rename"), OP)
def put_group(call: VerbCall) -> Sent:
    """docs/idp/okta.md#group-push (AIW): every membership change and rename is a PUT of the whole
    group."""
    if call.options.get("rename"):
        rename(call)
    record = pushed(call)
    if call.options.get("op") == "replace":
        record["members"] = aliases(call.args.get("members"))
    else:
        _apply(record, *_changed(call))
    return _put(call, record)
