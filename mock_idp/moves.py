"""The moves every IdP makes whatever its dialect: read the id of what the server created, take a
list's first hit, link it or else create, and set `active` by PATCH.

Dialects differ in the requests (the lookup's filter, the POST's body, the op's casing), which
they pass in; what is read from the answers, and what is remembered, is the same for all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .strategies import PATCH_SCHEMA, VerbCall, user_body
from .wire import Sent, body_of, status_of


def created_id(sent: Sent) -> str | None:
    """The id of a resource the server says it created: a 201 whose body has an `id`."""
    body = body_of(sent)
    if status_of(sent) == 201 and isinstance(body, dict) and body.get("id"):
        return str(body["id"])
    return None


def remember_created(sent: Sent, ids: dict[str, str], alias: str) -> None:
    """IdPs keep the id of what they created and use it for every later call."""
    found = created_id(sent)
    if found is not None:
        ids[alias] = found


def first_id(sent: Sent, *, counted: bool = True) -> str | None:
    """The id of the first resource a ListResponse holds. `counted`: only when `totalResults`
    says it found any (most IdPs); Okta reads `Resources` alone."""
    body = body_of(sent)
    if not isinstance(body, dict) or (counted and not body.get("totalResults")):
        return None
    resources = body.get("Resources")
    first = resources[0] if isinstance(resources, list) and resources else None
    return str(first["id"]) if isinstance(first, dict) and first.get("id") else None


@dataclass(frozen=True, slots=True)
class Outcome:
    answer: Sent  # the lookup that linked, or the POST: what a scenario judges and saves from
    linked: bool


def find_or_create(
    ids: dict[str, str], alias: str, lookup: Sent, found: str | None, create: Callable[[], Sent]
) -> Outcome:
    """Link the hit the lookup found (`found`), else create and remember the id of the 201."""
    if found is not None:
        ids[alias] = found
        return Outcome(lookup, linked=True)
    created = create()
    remember_created(created, ids, alias)
    return Outcome(created, linked=False)


def link_or_create_user(call: VerbCall, lookup: Sent) -> Sent:
    """Link the user `lookup` found, else POST the user as the RFC writes one (with the step's
    `with`): what an IdP does on assignment once its own lookup is sent."""
    person = call.person()
    return find_or_create(
        call.directory.scim_ids,
        person.alias,
        lookup,
        first_id(lookup),
        lambda: call.send("POST", "/Users", json_body=user_body(person, call.args.get("with"))),
    ).answer


def active_operation(call: VerbCall, value: bool) -> dict[str, Any]:
    """`active` set by a PATCH operation, as the profile writes it: the op (`op`, in the casing
    `ops` says), a boolean or the strings `"True"`/`"False"` (`booleans: string`), and with a
    `path` (`active`) or path-less with `{"active": ...}` as the value."""
    written: bool | str = value
    if call.option("booleans", "json") == "string":
        written = "True" if value else "False"
    op = str(call.option("op", "replace"))
    if call.option("ops", "lowercase") == "capitalised":
        op = op.capitalize()
    path = call.option("path")
    if path:
        return {"op": op, "path": path, "value": written}
    return {"op": op, "value": {"active": written}}


def patch(call: VerbCall, path: str, operations: list[dict[str, Any]]) -> Sent:
    """A PatchOp request of `operations`."""
    body = {"schemas": [PATCH_SCHEMA], "Operations": operations}
    return call.send("PATCH", path, json_body=body)
