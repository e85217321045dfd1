"""OneLogin and groups (docs/idp/onelogin.md#groups): it pulls the app's group catalogue
with `GET /Groups` ("Refresh"), and rules set memberships by `PATCH /Groups/{id}`.

OneLogin does not document its PATCH body; this mock assumes the RFC's: `add` of `members`
with a value list, and `remove` of each member by a filter (`members[value eq "<id>"]`,
RFC 7644 3.5.2.2). A remove with a value list and no filter is Entra's legacy form
(docs/idp/entra.md#groups), which the RFC reads as removing every member. OneLogin never deletes
groups.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..moves import find_or_create, patch
from ..options import Option
from ..strategies import GROUP_SCHEMA, VerbCall, strategy
from ..wire import Sent, body_of


def _catalogue(call: VerbCall) -> tuple[Sent, dict[str, str]]:
    """`GET /Groups`, no filter (OneLogin's sample ignores one): displayName -> id."""
    listed = call.send("GET", "/Groups")
    body = body_of(listed)
    resources = body.get("Resources") if isinstance(body, dict) else None
    groups = {
        str(group["displayName"]): str(group["id"])
        for group in resources or []
        if isinstance(group, dict) and group.get("id") and group.get("displayName")
    }
    return listed, groups


@strategy("onelogin-pull-groups")
def pull_groups(call: VerbCall) -> Sent:
    """docs/idp/onelogin.md#groups: "Refresh" learns the app's groups; `groups` maps the aliases
    rules will use to the displayNames the app gave them. `facts["pull_groups"]` lists them."""
    wanted: Mapping[str, Any] = call.args.get("groups") or {}
    listed, groups = _catalogue(call)
    found = []
    for alias, name in wanted.items():
        call.directory.group_names[str(alias)] = str(name)
        if str(name) in groups:
            call.directory.group_ids[str(alias)] = groups[str(name)]
            found.append(str(alias))
    call.directory.facts["pull_groups"] = {"found": found, "listed": len(groups)}
    return listed


def _patch_members(call: VerbCall, op: str) -> Sent:
    ids = [call.directory.scim_id(str(user)) for user in call.args.get("members", [])]
    operations: list[dict[str, Any]] = (
        [{"op": "add", "path": "members", "value": [{"value": id_} for id_ in ids]}]
        if op == "add"
        else [{"op": op, "path": f"members[value eq {json.dumps(id_)}]"} for id_ in ids]
    )
    return patch(call, f"/Groups/{call.group_id()}", operations)


@strategy("onelogin-push-group")
def push_group(call: VerbCall) -> Sent:
    """docs/idp/onelogin.md#groups: the catalogue first; a rule naming a group the app
    lacks creates it ("Create Group" is in OneLogin's call list; its body is not documented, so
    only `displayName`), then the members are set by PATCH. Returns the POST, or the listing."""
    alias = str(call.args["group"])
    name = call.directory.group_name(alias)
    listed, groups = _catalogue(call)
    body = {"schemas": [GROUP_SCHEMA], "displayName": name}
    answer = find_or_create(
        call.directory.group_ids,
        alias,
        listed,
        groups.get(name),
        lambda: call.send("POST", "/Groups", json_body=body),
    ).answer
    if call.args.get("members") and alias in call.directory.group_ids:
        _patch_members(call, "add")
    return answer


@strategy("onelogin-patch-members", Option("op", {"enum": ["add", "remove"]}, required=True))
def patch_members(call: VerbCall) -> Sent:
    """docs/idp/onelogin.md#groups: a rule's membership change, `add` or `remove` (`op`)."""
    return _patch_members(call, str(call.options["op"]))
