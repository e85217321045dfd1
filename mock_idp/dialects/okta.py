"""Okta's provisioning client for users (docs/idp/okta.md#dialects), in its two dialects.

OIN apps change `active` with a path-less PATCH; AIW apps GET the user and PUT the server's own
document back with `active` changed. Both update profiles by GET-then-PUT of the returned
document, and neither ever sends `DELETE /Users/{id}`. Group Push lives in `okta_groups`, import
in `okta_import`, 429 retries in `okta_wire` and `okta_rate_limit`.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from typing import Any

from ..directory import Person
from ..moves import find_or_create, first_id, remember_created
from ..options import ACTIVE_VALUE, flag, table, text
from ..strategies import USER_SCHEMA, VerbCall, strategy
from ..wire import Sent, body_of, status_of
from .okta_wire import FIRST_PAGE

DEFAULT_LOCALE = "en-US"  # docs/idp/okta.md#create-and-assign
LOCALE = text("locale")


def placeholder_password(person: Person) -> str:
    """Okta sends a random password even without password sync (docs/idp/okta.md#create-and-assign);
    seeded by the person's Okta id, so a replayed run sends the same bytes."""
    rng = random.Random(person.idp_id)  # noqa: S311 - a throwaway placeholder, not a secret
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(8))


def create_body(call: VerbCall, person: Person) -> dict[str, Any]:
    """Okta's documented `POST /Users` body, in its order (docs/idp/okta.md#create-and-assign)."""
    body: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "userName": person.user_name,
        "name": {"givenName": person.given_name, "familyName": person.family_name},
        "emails": [{"primary": True, "value": person.email, "type": "work"}],
        "displayName": person.display_name,
        "locale": str(call.options.get("locale", DEFAULT_LOCALE)),
        "externalId": person.idp_id,
        "groups": [],
        "password": placeholder_password(person),
        "active": True,
    }
    body.update(call.args.get("with") or {})
    return body


def profile_changes(call: VerbCall, person: Person) -> dict[str, Any]:
    """What Okta pushes onto a linked user's document: its own profile of the person."""
    body = create_body(call, person)
    pushed = ("name", "emails", "displayName", "locale", "externalId")
    return {key: body[key] for key in pushed} | dict(call.args.get("with") or {})


def answered(lookup: Sent) -> bool:
    """Whether a lookup settled the question: 200, or the 404 Okta also accepts
    (docs/idp/okta.md#create-and-assign).
    Anything else (429, 5xx) and Okta does not go on to create anything."""
    return status_of(lookup) in (200, 404)


def find_user(call: VerbCall, user_name: str) -> tuple[Sent, str | None]:
    """The existence check (docs/idp/okta.md#create-and-assign): userName eq, always with
    startIndex=1&count=100."""
    params = {"filter": f'userName eq "{user_name}"', **FIRST_PAGE}
    lookup = call.send("GET", "/Users", params=params)
    return lookup, first_id(lookup, counted=False)


def set_path(document: dict[str, Any], path: str, value: Any) -> None:
    """Set `name.givenName` on a document, matching existing keys in any case (RFC 7643 2.1)."""
    *parents, last = path.split(".")
    node = document
    for part in parents:
        key = next((k for k in node if k.lower() == part.lower()), part)
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[next((k for k in node if k.lower() == last.lower()), last)] = value


def get_then_put(call: VerbCall, user_id: str, changes: Mapping[str, Any]) -> Sent:
    """docs/idp/okta.md#profile-update: GET the user, edit the changed attributes on the returned
    document (id, meta, groups and all), PUT it back whole. Without a document there is nothing to
    PUT."""
    fetched = call.send("GET", f"/Users/{user_id}")
    document = body_of(fetched)
    if status_of(fetched) != 200 or not isinstance(document, dict):
        return fetched
    for path, value in changes.items():
        set_path(document, path, value)
    return call.send("PUT", f"/Users/{user_id}", json_body=document)


def _create(call: VerbCall, person: Person) -> Sent:
    return call.send("POST", "/Users", json_body=create_body(call, person))


@strategy("okta-assign", LOCALE)
def assign(call: VerbCall) -> Sent:
    """docs/idp/okta.md#create-and-assign: the existence check; no match -> POST Okta's body; a
    match is linked (no POST) and its profile pushed by GET-then-PUT (OIN test plan C9335, "linked +
    updated")."""
    person = call.person()
    lookup, found = find_user(call, person.user_name)
    if not answered(lookup):
        return lookup
    ids = call.directory.scim_ids
    outcome = find_or_create(ids, person.alias, lookup, found, lambda: _create(call, person))
    if not outcome.linked:
        return outcome.answer
    return get_then_put(call, ids[person.alias], profile_changes(call, person))


@strategy("okta-get-put")
def update(call: VerbCall) -> Sent:
    """docs/idp/okta.md#profile-update (both dialects): `with` maps attribute paths
    (`name.givenName`) to values."""
    return get_then_put(call, call.user_id(), dict(call.args.get("with") or {}))


@strategy("okta-put-active", ACTIVE_VALUE, flag("lookup"), LOCALE)
def put_active(call: VerbCall) -> Sent:
    """docs/idp/okta.md#deactivation, #reactivation (AIW): GET then PUT with `active` changed.
    Re-assignment first looks the user up by userName; finding nothing (a server that deleted on
    deactivation) Okta POSTs a new user instead
    (https://github.com/growthbook/growthbook/issues/1680)."""
    user_id = call.user_id()
    if call.options.get("lookup"):
        person = call.person()
        lookup, found = find_user(call, person.user_name)
        if not answered(lookup):
            return lookup
        if found is None:
            created = _create(call, person)
            remember_created(created, call.directory.scim_ids, person.alias)
            return created
        user_id = found  # serves this request; the directory keeps the id it had
    return get_then_put(call, user_id, {"active": bool(call.options["value"])})


@strategy("okta-spec-lookup", table("spec_headers", {"type": "string"}))
def spec_lookup(call: VerbCall) -> Sent:
    """docs/idp/okta.md#spec-test-5, #spec-test-9 and #spec-test-11: `GET /Users?filter=userName eq
    "..."` with the suite's headers and no paging. `caps: true` upper-cases the userName
    (`randomUsernameCaps`, which the suite's Initial Script computes and a scenario cannot);
    `authorization` replaces the token."""
    person = call.person()
    user_name = person.user_name.upper() if call.args.get("caps") else person.user_name
    headers = dict(call.profile.options.get("spec_headers") or call.profile.headers)
    if "authorization" in call.args:
        headers["Authorization"] = str(call.args["authorization"])
    params = {"filter": f'userName eq "{user_name}"'}
    return call.wire.send("GET", "/Users", headers=headers, params=params)


@strategy("okta-test-credentials")
def test_credentials(call: VerbCall) -> Sent:
    """docs/idp/okta.md#test-api-credentials: saving the connector ("Test API Credentials") lists
    two users."""
    return call.send("GET", "/Users", params={"startIndex": "1", "count": "2"})
