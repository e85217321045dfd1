"""OneLogin's SCIM JSON Template: what an admin wrote, with `{$...}` placeholders substituted.

What OneLogin POSTs and PUTs is literally the template after substitution
(docs/idp/onelogin.md#template), so a template is data in the profile (`options.templates`), chosen
by `options.template`. OneLogin keeps what it knows of each user in
`directory.facts["onelogin"][alias]`: the template the user was provisioned with, attribute changes
made since, and whether the user is suspended."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from ..directory import Person
from ..strategies import VerbCall

PLACEHOLDER = re.compile(r"\{\$([A-Za-z_.]+)\}")
URN_PREFIX = "urn:"


def user_state(call: VerbCall) -> dict[str, Any]:
    """OneLogin's record of the step's user (created on first use)."""
    users: Any = call.directory.facts.setdefault("onelogin", {})
    alias = str(call.args["user"])
    default = call.args.get("template") or call.profile.options.get("template", "core")
    state: dict[str, Any] = users.setdefault(
        alias, {"template": str(default), "changes": {}, "active": True}
    )
    return state


def _values(person: Person, active: bool, parameters: Mapping[str, Any]) -> dict[str, str]:
    """docs/idp/onelogin.md#template: the placeholders OneLogin documents, from the directory."""
    values = {
        "parameters.scimusername": person.user_name,
        "parameters.title": person.title,
        "user.firstname": person.given_name,
        "user.lastname": person.family_name,
        "user.display_name": person.display_name,
        "user.email": person.email,
        # Vendors' templates write "active": "{$user.active}": a string on the wire (#template).
        "user.active": "true" if active else "false",
    }
    values.update({f"parameters.{name}": str(value) for name, value in parameters.items()})
    return values


def _substitute(node: Any, values: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        # An unset parameter is sent empty [inferred: OneLogin substitutes text].
        return PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), node)
    if isinstance(node, dict):
        return {key: _substitute(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_substitute(item, values) for item in node]
    return node


def _set(body: dict[str, Any], path: str, value: Any) -> None:
    """A changed attribute: `title`, dotted `name.givenName`, or `<URN>:<attribute>`."""
    if path.startswith(URN_PREFIX):
        urn, _, name = path.rpartition(":")
        holder = body.setdefault(urn, {})
    else:
        *parents, name = path.split(".")
        holder = body
        for parent in parents:
            holder = holder.setdefault(parent, {})
    holder[name] = value


def render(call: VerbCall, state: Mapping[str, Any]) -> dict[str, Any]:
    """The template of the user's state, substituted, with OneLogin's changes since applied.

    A template without `active` sends none, except when OneLogin suspends or restores the user,
    which is the point of that request (docs/idp/onelogin.md#deprovisioning).
    """
    options = call.profile.options
    template = copy.deepcopy(options["templates"][state["template"]])
    values = _values(call.person(), bool(state["active"]), options.get("parameters", {}))
    body: dict[str, Any] = _substitute(template, values)
    for path, value in state["changes"].items():
        _set(body, path, value)
    return body


def with_active(body: dict[str, Any], active: bool) -> dict[str, Any]:
    """Suspension and restore carry `active`: templated (already rendered) or added."""
    if "active" not in body:
        body["active"] = active
    return body
