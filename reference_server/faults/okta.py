"""Faults that break Okta's traffic beyond those in `idp.py`: its SPEC test, CRUD test, import and
Group Push as docs/idp/okta.md describes them."""

from __future__ import annotations

import json
from typing import Any

from .exchange import Exchange
from .idp import USER_NAME_EQ, WRITES
from .registry import fault

# --- the SPEC test (docs/idp/okta.md#spec-test) ---------------------------------------------------

LISTED_USER_KEYS = frozenset({"schemas", "id", "externalid", "username", "active", "meta"})


@fault(
    "user-list-abbreviated",
    "User lists carry only id, userName and active: no name, no emails",
)
def _user_list_abbreviated(x: Exchange) -> None:
    # docs/idp/okta.md#spec-test-1, #crud-test: Okta reads names and emails off list entries.
    if x.on("Users", "GET", item=False) and x.listed() is not None:
        for resource in x.resources():
            for key in [k for k in resource if k.lower() not in LISTED_USER_KEYS]:
                del resource[key]


def _case_only_match(x: Exchange) -> bool:
    """Whether a `userName eq` list found users, none of them spelled exactly as asked."""
    found = USER_NAME_EQ.fullmatch(x.filter_text() or "")
    if not (found and x.on("Users", "GET", item=False) and x.listed() is not None):
        return False
    wanted = json.loads(f'"{found.group(1)}"')
    names = [resource.get("userName") for resource in x.resources()]
    return bool(names) and wanted not in names


@fault(
    "user-name-case-fallback-crashes",
    'A `userName eq "..."` filter that matches a user only when case is ignored answers 500',
)
def _user_name_case_fallback_crashes(x: Exchange) -> None:
    # docs/idp/okta.md#spec-test-9: Okta looks the user up by the upper-cased userName; a server
    # whose exact lookup misses, then whose case-insensitive second try fails, answers 5xx.
    if _case_only_match(x):
        x.answer_error(500, "Internal error (deliberate fault)")


def _group_list(x: Exchange) -> bool:
    return x.on("Groups", "GET", item=False) and x.listed() is not None


@fault("group-list-needs-paging", "GET /Groups without startIndex or count is refused with 400")
def _group_list_needs_paging(x: Exchange) -> None:
    # docs/idp/okta.md#spec-test-10 sends a bare `GET /Groups`; paging is optional (RFC 7644
    # 3.4.2.4).
    if _group_list(x) and x.param("startIndex") is None and x.param("count") is None:
        x.answer_error(400, "startIndex and count are required", "invalidValue")


@fault("slow-group-list", "GET /Groups answers only after 700 ms")
def _slow_group_list(x: Exchange) -> None:
    # docs/idp/okta.md#spec-test-10: Runscope asserts a response time below 600 ms.
    if x.on("Groups", "GET", item=False):
        x.delay = max(x.delay, 0.7)


# --- the Entitlements test (docs/idp/okta.md#entitlements-test) --------------------------------


@fault(
    "entitlement-count-ignored",
    "GET /Roles ignores `count`: every role comes back, whatever page size was asked for",
    phase="request",
)
def _entitlement_count_ignored(x: Exchange) -> None:
    # Okta's Entitlements test pages each entitlement endpoint with count=1 and asserts
    # itemsPerPage is 1; /Users and /Groups keep their paging, so only that test notices.
    if x.on("Roles", "GET", item=False):
        x.query = {k: v for k, v in x.query.items() if k.lower() != "count"}


# --- assignment, profile pushes, (de)activation (docs/idp/okta.md) --------------------------------


@fault(
    "external-id-dropped",
    "`externalId` sent in POST or PUT /Users is never stored",
    phase="request",
)
def _external_id_dropped(x: Exchange) -> None:
    # docs/idp/okta.md#create-and-assign: Okta sends its own user id as externalId on create, and
    # pushes it on a link.
    if x.on("Users") and x.method in ("POST", "PUT") and isinstance(x.body, dict):
        for key in [k for k in x.body if k.lower() == "externalid"]:
            del x.body[key]


READ_ONLY = frozenset({"id", "meta", "groups"})


def _carries_read_only(x: Exchange) -> bool:
    body: Any = x.body if x.on("Users", "PUT", item=True) else None
    return isinstance(body, dict) and any(key.lower() in READ_ONLY for key in body)


@fault(
    "put-read-only-refused",
    "PUT /Users/{id} carrying read-only attributes (id, meta, groups) is refused with 400",
    phase="request",
)
def _put_read_only_refused(x: Exchange) -> None:
    if _carries_read_only(x):
        x.route_as = "GET"  # nothing is written; the answer below replaces the read's


@fault("put-read-only-refused", phase="response")
def _put_read_only_refused_answer(x: Exchange) -> None:
    # docs/idp/okta.md#profile-update: Okta PUTs back the server's own document, id, meta and groups
    # included; RFC 7644 3.5.1 says read-only values in a PUT are ignored, not refused.
    if x.route_as == "GET" and _carries_read_only(x):
        x.answer_error(400, "id, meta and groups are read-only", "mutability")


@fault("user-patch-answers-202", "PATCH /Users/{id} is applied but answered 202 with no body")
def _user_patch_answers_202(x: Exchange) -> None:
    # docs/idp/okta.md#deactivation: Okta takes 200 with the user or 204; RFC 7644 3.5.2 allows no
    # other.
    if x.on("Users", "PATCH", item=True) and x.ok:
        x.answer(202)


@fault("user-create-answers-200", "POST /Users creates the user but answers 200 with no body")
def _user_create_answers_200(x: Exchange) -> None:
    # RFC 7644 3.3: a created resource is answered 201 with it; Okta's CRUD test reads the id from
    # that answer, and without it the SCIM app has no user for the steps after the assignment.
    if x.on("Users", "POST") and x.status == 201:
        x.answer(200)


# --- import (docs/idp/okta.md#import) -------------------------------------------------------------


@fault("total-results-is-page-size", "List answers give the page's length as totalResults")
def _total_results_is_page_size(x: Exchange) -> None:
    # docs/idp/okta.md#import: Okta asks for the next page while startIndex + 100 <= totalResults.
    listed = x.listed()
    if listed is not None and isinstance(listed["Resources"], list):
        listed["totalResults"] = len(listed["Resources"])


@fault(
    "group-list-empty-without-filter",
    "GET /Groups without a filter answers an empty list: groups are found only by displayName",
)
def _group_list_empty_without_filter(x: Exchange) -> None:
    # docs/idp/okta.md#import: group import pages /Groups like users, with no filter; Group Push
    # only looks up by displayName, which is all such a server implements.
    if _group_list(x) and not x.filter_text():
        x.answer_list([], total=0)


@fault(
    "group-put-ignored",
    "PUT /Groups/{id} answers 200 with the group as it was, and changes nothing",
    phase="request",
)
def _group_put_ignored(x: Exchange) -> None:
    # docs/idp/okta.md#dialects: AIW apps push a group's name and full member list by PUT; a server
    # that implements PATCH only never applies them.
    if x.on("Groups", "PUT", item=True):
        x.route_as = "GET"


# --- rate limiting (docs/idp/okta.md#rate-limiting) -----------------------------------------------

_THROTTLED: set[str] = set()  # teams whose first write to /Users has been answered 429


def _throttled_now(x: Exchange) -> bool:
    return x.on("Users") and x.method in WRITES and x.route_as == "GET"


@fault(
    "rate-limit-without-retry-after",
    "The first write to /Users of each team answers 429 without Retry-After; the retry succeeds",
    phase="request",
)
def _rate_limit_without_retry_after(x: Exchange) -> None:
    if x.on("Users") and x.method in WRITES and x.team not in _THROTTLED:
        _THROTTLED.add(x.team)
        x.route_as = "GET"  # the write never happens; the answer below replaces the read's


@fault("rate-limit-without-retry-after", phase="response")
def _rate_limit_without_retry_after_answer(x: Exchange) -> None:
    # docs/idp/okta.md#rate-limiting: without integer-seconds Retry-After, Okta waits its default of
    # 5 minutes.
    if _throttled_now(x):
        x.answer_error(429, "Too many requests (deliberate fault)")
        x.headers.pop("retry-after", None)
