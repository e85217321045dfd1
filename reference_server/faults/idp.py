"""Faults that break one IdP's traffic: load, Okta, Entra ID and OneLogin."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from .exchange import Exchange
from .registry import Rewrite, fault
from .writes import drop_operations

# Load (`scimcert load`, issue 10): a server that is slow under load, for the latency verdicts.


@fault("slow-answers", "Every SCIM answer is held back 300 ms")
def _slow_answers(x: Exchange) -> None:
    x.delay = max(x.delay, 0.3)


# Okta (issue 4; docs/idp/okta.md): what breaks Okta's own traffic.

USER_NAME_EQ = re.compile(r'\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*', re.IGNORECASE)


@fault(
    "user-name-filter-case-sensitive",
    'A `userName eq "..."` filter compares the value case-sensitively',
)
def _user_name_filter_case_sensitive(x: Exchange) -> None:
    # docs/idp/okta.md#spec-test-9: Okta looks users up by an upper-cased userName too.
    found = USER_NAME_EQ.fullmatch(x.filter_text() or "")
    if x.on("Users", "GET", item=False) and x.listed() is not None and found:
        wanted = json.loads(f'"{found.group(1)}"')
        x.answer_list([r for r in x.resources() if r.get("userName") == wanted])


@fault(
    "pathless-patch-ignored",
    "PATCH operations without a `path` answer 200 and change nothing",
    phase="request",
)
def _pathless_patch_ignored(x: Exchange) -> None:
    # docs/idp/okta.md#deactivation, #group-push: Okta (de)activates users and renames groups with
    # path-less `replace`.
    for collection in ("Users", "Groups"):
        drop_operations(x, collection, lambda op: isinstance(op, dict) and not op.get("path"))


WRITES = ("POST", "PUT", "PATCH")


@fault(
    "rate-limit-never-lifts",
    "Writes to /Users answer 429 `Retry-After: 1`, however long the client waits",
    phase="request",
)
def _rate_limit_never_lifts(x: Exchange) -> None:
    if x.on("Users") and x.method in WRITES:
        x.route_as = "GET"  # the write never happens; the answer below replaces the read's


@fault("rate-limit-never-lifts", phase="response")
def _rate_limit_never_lifts_answer(x: Exchange) -> None:
    # docs/idp/okta.md#rate-limiting: Okta honours integer Retry-After and retries, doubling, up to
    # 10 attempts.
    if x.on("Users") and x.method in WRITES and x.route_as == "GET":
        x.answer_error(429, "Too many requests (deliberate fault)")
        x.headers["retry-after"] = "1"


# Entra ID and OneLogin (issue 5; docs/idp/entra.md, docs/idp/onelogin.md): a server
# that mishandles one quirk of their dialects. A refusal turns the write into a read first, so
# nothing is written, then answers the error in place of the read's answer.


def refusal(
    name: str, description: str, refused: Callable[[Exchange], bool], answer: Rewrite
) -> None:
    @fault(name, description, phase="request")
    def _read_instead(x: Exchange) -> None:
        if x.method in ("POST", "PUT", "PATCH") and refused(x):
            x.route_as = "GET"

    @fault(name, phase="response")
    def _refuse(x: Exchange) -> None:
        if x.route_as == "GET" and x.method in ("POST", "PUT", "PATCH") and refused(x):
            answer(x)


def patch_operations(x: Exchange, collection: str) -> list[Any]:
    operations = x.body.get("Operations") if isinstance(x.body, dict) else None
    on = x.on(collection, "PATCH", item=True) and isinstance(operations, list)
    return operations if on and isinstance(operations, list) else []


def _capitalised_op(x: Exchange) -> bool:
    ops = patch_operations(x, "Users") + patch_operations(x, "Groups")
    return any(
        isinstance(op, dict) and str(op.get("op")) != str(op.get("op")).lower() for op in ops
    )


# docs/idp/entra.md#dialects: Entra's default job writes `Add`, `Replace`, `Remove`.
refusal(
    "capitalised-ops-rejected",
    "PATCH operations whose `op` is not lower case (Entra's `Replace`) are refused with 400",
    _capitalised_op,
    lambda x: x.answer_error(400, "op must be add, remove or replace", "invalidSyntax"),
)


def _string_active(x: Exchange) -> bool:
    """`active` as a JSON string: in a POST or PUT body, or in a PATCH operation's value."""
    found: list[Any] = []
    if isinstance(x.body, dict) and (x.on("Users", "POST") or x.on("Users", "PUT")):
        found += [value for key, value in x.body.items() if key.lower() == "active"]
    for op in patch_operations(x, "Users"):
        if not isinstance(op, dict):
            continue
        path, value = str(op.get("path") or ""), op.get("value")
        if path.lower() == "active":
            found.append(value)
        elif not path and isinstance(value, dict):
            found += [item for key, item in value.items() if key.lower() == "active"]
    return any(isinstance(value, str) for value in found)


# docs/idp/entra.md#disable-and-re-enable ("True"/"False"), docs/idp/onelogin.md#template
# (templates with "active": "{$user.active}").
refusal(
    "string-booleans-rejected",
    'A user write giving `active` as a string ("False") is refused with 400 invalidValue',
    _string_active,
    lambda x: x.answer_error(400, "active must be a boolean", "invalidValue"),
)


def _members_by_value_list(operation: Any) -> bool:
    if not isinstance(operation, dict) or str(operation.get("op", "")).lower() != "remove":
        return False
    path = str(operation.get("path") or "").strip().lower()
    return path == "members" and bool(operation.get("value"))


@fault(
    "member-removal-value-list-ignored",
    'PATCH removing members named in `value` (path "members", no filter) answers 200, '
    "removes no one",
    phase="request",
)
def _member_removal_value_list_ignored(x: Exchange) -> None:
    # docs/idp/entra.md#groups: Entra's default job removes members this way.
    drop_operations(x, "Groups", _members_by_value_list)


def _sub_attribute_key(key: Any) -> bool:
    return isinstance(key, str) and ("." in key or key.lower().startswith("urn:"))


@fault(
    "dotted-keys-ignored",
    "A path-less PATCH replace ignores keys naming a sub-attribute (`name.givenName`) or an "
    "extension attribute (`urn:...:employeeNumber`)",
    phase="request",
)
def _dotted_keys_ignored(x: Exchange) -> None:
    # docs/idp/entra.md#attribute-updates: with the flag, Entra collapses simple attributes into
    # such keys.
    for op in patch_operations(x, "Users"):
        if isinstance(op, dict) and not op.get("path") and isinstance(op.get("value"), dict):
            op["value"] = {k: v for k, v in op["value"].items() if not _sub_attribute_key(k)}
    drop_operations(x, "Users", lambda op: isinstance(op, dict) and op.get("value") == {})


# docs/idp/onelogin.md#updates: OneLogin updates and suspends users only by PUT.
refusal(
    "put-server-error",
    "PUT /Users/{id} answers 500 and changes nothing",
    lambda x: x.on("Users", "PUT", item=True),
    lambda x: x.answer_error(500, "Internal server error (deliberate fault)"),
)

# For `recreate-after-delete-refused`: a server whose uniqueness still counts deleted users. It
# learns userNames from its own answers while the fault is on: team -> folded names deleted, and
# (team, id) -> userName.
_DELETED_NAMES: dict[str, set[str]] = {}
_USER_NAMES: dict[tuple[str, str], str] = {}


def _posted_user_name(x: Exchange) -> str | None:
    body = x.body if x.on("Users", "POST", item=False) and isinstance(x.body, dict) else {}
    name = next((value for key, value in body.items() if key.lower() == "username"), None)
    return name.lower() if isinstance(name, str) else None


def _recreated(x: Exchange) -> bool:
    return _posted_user_name(x) in _DELETED_NAMES.get(x.team, set())


@fault(
    "recreate-after-delete-refused",
    "POST /Users with the userName of a user DELETEd before is refused with 409 uniqueness",
    phase="request",
)
def _recreate_after_delete_refused(x: Exchange) -> None:
    if _recreated(x):
        x.route_as = "GET"


@fault("recreate-after-delete-refused", phase="response")
def _recreate_after_delete_refused_answer(x: Exchange) -> None:
    # docs/idp/entra.md#delete: Entra re-creates a user after a hard delete ("Restore_User").
    if x.route_as == "GET" and _recreated(x):
        x.answer_error(409, "A User with this userName already exists", "uniqueness")
        return
    if x.on("Users") and x.ok:
        for resource in x.resources():
            if isinstance(resource.get("id"), str) and isinstance(resource.get("userName"), str):
                _USER_NAMES[(x.team, resource["id"])] = resource["userName"]
    if x.on("Users", "DELETE", item=True) and x.status == 204 and x.item_id is not None:
        deleted = _USER_NAMES.pop((x.team, x.item_id), None)
        if deleted is not None:
            _DELETED_NAMES.setdefault(x.team, set()).add(deleted.lower())
