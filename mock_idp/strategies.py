"""How verbs become requests: small named strategies that profiles choose and parameterise.

A strategy sends what the IdP would send and returns the exchange a scenario judges (the last
meaningful one). It reads answers only to decide its next request, as an IdP does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .directory import Directory, Person
from .options import ACTIVE_PATH, ACTIVE_VALUE, BOOLEANS, OP, Option, count, table
from .profile_model import Profile, ProfileError
from .registry import Registry
from .wire import Sent, Wire, body_of, status_of

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@dataclass(frozen=True, slots=True)
class VerbCall:
    wire: Wire
    directory: Directory
    profile: Profile
    options: Mapping[str, Any]
    args: Mapping[str, Any]

    def send(self, method: str, path: str, **kwargs: Any) -> Sent:
        return self.wire.send(method, path, headers=self.profile.headers, **kwargs)

    def person(self) -> Person:
        return self.directory.person(str(self.args["user"]))

    def user_id(self) -> str:
        return self.directory.scim_id(str(self.args["user"]))

    def group_id(self) -> str:
        return self.directory.group_ids[str(self.args["group"])]


Strategy = Callable[[VerbCall], Sent]


@dataclass(frozen=True, slots=True)
class Registered:
    run: Strategy
    options: Mapping[str, Option]  # what profiles may set for it, checked when they load


# Filled as the dialect modules are imported (`dialects.load()`, which loading profiles does).
STRATEGIES: Registry[Registered] = Registry("strategy")


def strategy(name: str, *options: Option) -> Callable[[Strategy], Strategy]:
    """Register a strategy under `name`, with the options it reads from profiles."""

    def register(function: Strategy) -> Strategy:
        STRATEGIES.add(name, Registered(function, {option.name: option for option in options}))
        return function

    return register


def unknown_strategies(profiles: Iterable[Profile]) -> list[str]:
    """`profile/verb: strategy` for every verb whose strategy no dialect registers."""
    return [
        f"{profile.id}/{verb}: {options.get('strategy')!r}"
        for profile in profiles
        for verb, options in profile.verbs.items()
        if str(options.get("strategy")) not in STRATEGIES
    ]


def run_verb(
    wire: Wire, directory: Directory, profile: Profile, verb: str, args: Mapping[str, Any]
) -> Sent:
    options = profile.verb(verb)
    name = str(options["strategy"])
    if name not in STRATEGIES:  # loaded profiles are checked; this is one built by hand
        raise ProfileError(f"profile {profile.id!r}: unknown strategy {name!r} for {verb!r}")
    return STRATEGIES.get(name).run(VerbCall(wire, directory, profile, options, args))


def user_body(person: Person, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "userName": person.user_name,
        "externalId": person.idp_id,
        "name": {"givenName": person.given_name, "familyName": person.family_name},
        "displayName": person.display_name,
        "emails": [{"value": person.email, "type": "work", "primary": True}],
        "active": True,
    }
    body.update(extra or {})
    return body


def _first_resource_id(sent: Sent) -> str | None:
    body = body_of(sent)
    if not isinstance(body, dict) or not body.get("totalResults"):
        return None
    resources = body.get("Resources") or []
    first = resources[0] if resources and isinstance(resources[0], dict) else {}
    return str(first["id"]) if first.get("id") else None


def _remember_created(sent: Sent, ids: dict[str, str], alias: str) -> None:
    body = body_of(sent)
    if status_of(sent) == 201 and isinstance(body, dict) and body.get("id"):
        ids[alias] = str(body["id"])


@strategy("lookup-then-create", table("params", {"type": "string"}))
def lookup_then_create(call: VerbCall) -> Sent:
    """Look the user up by userName; link when found, else create (RFC 7644 3.4.2.2, 3.3)."""
    person = call.person()
    params = {"filter": f'userName eq "{person.user_name}"', **call.options.get("params", {})}
    lookup = call.send("GET", "/Users", params=params)
    found = _first_resource_id(lookup)
    if found is not None:
        call.directory.scim_ids[person.alias] = found
        return lookup
    created = call.send("POST", "/Users", json_body=user_body(person, call.args.get("with")))
    _remember_created(created, call.directory.scim_ids, person.alias)
    return created


@strategy("get-user")
def get_user(call: VerbCall) -> Sent:
    return call.send("GET", f"/Users/{call.user_id()}")


@strategy("patch-attributes", OP)
def patch_attributes(call: VerbCall) -> Sent:
    """One operation per changed attribute, with its path."""
    changes: Mapping[str, Any] = call.args.get("with", {})
    op = call.options.get("op", "replace")
    operations = [{"op": op, "path": path, "value": value} for path, value in changes.items()]
    body = {"schemas": [PATCH_SCHEMA], "Operations": operations}
    return call.send("PATCH", f"/Users/{call.user_id()}", json_body=body)


@strategy("patch-active", OP, ACTIVE_VALUE, ACTIVE_PATH, BOOLEANS)
def patch_active(call: VerbCall) -> Sent:
    """`active` set by PATCH: with a path, or path-less with `{"active": ...}` as the value."""
    value: Any = bool(call.options["value"])
    if call.options.get("booleans") == "string":
        value = "True" if value else "False"
    op = call.options.get("op", "replace")
    path = call.options.get("path")
    operation = (
        {"op": op, "path": path, "value": value} if path else {"op": op, "value": {"active": value}}
    )
    body = {"schemas": [PATCH_SCHEMA], "Operations": [operation]}
    return call.send("PATCH", f"/Users/{call.user_id()}", json_body=body)


@strategy("delete-user")
def delete_user(call: VerbCall) -> Sent:
    return call.send("DELETE", f"/Users/{call.user_id()}")


@strategy("create-group")
def create_group(call: VerbCall) -> Sent:
    alias = str(call.args["group"])
    members = [
        {"value": call.directory.scim_id(str(user))} for user in call.args.get("members", [])
    ]
    body = {
        "schemas": [GROUP_SCHEMA],
        "displayName": call.directory.group_name(alias),
        "members": members,
    }
    created = call.send("POST", "/Groups", json_body=body)
    _remember_created(created, call.directory.group_ids, alias)
    return created


def _member_ids(call: VerbCall) -> list[str]:
    return [call.directory.scim_id(str(user)) for user in call.args.get("members", [])]


@strategy("patch-members-add")
def patch_members_add(call: VerbCall) -> Sent:
    value = [{"value": member} for member in _member_ids(call)]
    body = {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "add", "path": "members", "value": value}],
    }
    return call.send("PATCH", f"/Groups/{call.group_id()}", json_body=body)


@strategy("patch-members-remove")
def patch_members_remove(call: VerbCall) -> Sent:
    """One `members[value eq "..."]` removal per member (RFC 7644 3.5.2.2)."""
    operations = [
        {"op": "remove", "path": f'members[value eq "{member}"]'} for member in _member_ids(call)
    ]
    body = {"schemas": [PATCH_SCHEMA], "Operations": operations}
    return call.send("PATCH", f"/Groups/{call.group_id()}", json_body=body)


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
