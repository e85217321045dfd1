"""Okta's import (docs/idp/okta.md#import): page through the app's users or groups, then match them.

Okta asks for `startIndex=1&count=100`, then 101, 201, ... while `startIndex + 100 <=
totalResults`: it advances by the count it asked for, not by what came back. Matching is Okta's
side: each listed user is matched to a person of the directory by userName, then by email;
users with `active: false` are not imported. The report (`directory.facts["import"]`) counts only
the item's own users, recognised by its run prefix, so whatever else the server holds does not
change a scenario's verdict:

- `scanned`: the item's users listed, once per time they were listed;
- `skipped_inactive`: of those, inactive ones (not pulled in);
- `matched`: people matched at least once; `duplicates`: listings of an already matched person;
- `new`: active users matching no person (Okta would propose a new account);
- `unmatched`: people the server holds (they have a SCIM id) that the import never listed.
"""

from __future__ import annotations

from typing import Any

from ..directory import Person
from ..strategies import VerbCall, strategy
from ..wire import Sent, body_of, status_of
from .okta_wire import PAGE_SIZE

MAX_PAGES = 1000  # a server whose totalResults keeps growing must not keep the IdP forever
INACTIVE = (False, "false", "False")


def field(body: dict[str, Any], name: str) -> Any:
    """A ListResponse field in any case: Okta accepts `resources`, `totalresults` (#import)."""
    return next((value for key, value in body.items() if key.lower() == name.lower()), None)


def page_through(call: VerbCall, endpoint: str) -> tuple[Sent, list[dict[str, Any]], list[int]]:
    """(last page, every resource listed, the startIndex of every page asked for)."""
    start, starts = 1, []
    listed: list[dict[str, Any]] = []
    while True:
        page = call.send(
            "GET", endpoint, params={"startIndex": str(start), "count": str(PAGE_SIZE)}
        )
        starts.append(start)
        body = body_of(page)
        if status_of(page) != 200 or not isinstance(body, dict):
            return page, listed, starts
        listed += [r for r in field(body, "Resources") or [] if isinstance(r, dict)]
        total = field(body, "totalResults")
        if not isinstance(total, int) or start + PAGE_SIZE > total or len(starts) >= MAX_PAGES:
            return page, listed, starts
        start += PAGE_SIZE


def _emails(resource: dict[str, Any]) -> set[str]:
    emails = resource.get("emails")
    values = (
        [e.get("value") for e in emails if isinstance(e, dict)] if isinstance(emails, list) else []
    )
    return {value.casefold() for value in values if isinstance(value, str)}


def match_person(resource: dict[str, Any], people: list[Person]) -> Person | None:
    """By userName first, then by email (#import: the app's import-matching rules)."""
    user_name = str(resource.get("userName", "")).casefold()
    by_name = next((p for p in people if p.user_name.casefold() == user_name), None)
    emails = _emails(resource)
    return by_name or next((p for p in people if p.email.casefold() in emails), None)


def user_report(call: VerbCall, listed: list[dict[str, Any]], starts: list[int]) -> dict[str, Any]:
    """Count the item's own users (run prefix) and link each matched person to its SCIM id."""
    prefix = call.directory.run_prefix.casefold()
    ours = [r for r in listed if str(r.get("userName", "")).casefold().startswith(prefix)]
    people = list(call.directory.people.values())
    report = {"scanned": len(ours), "matched": 0, "duplicates": 0, "new": 0, "skipped_inactive": 0}
    held = set(call.directory.scim_ids)  # who the server holds, as far as the run knows
    seen: set[str] = set()
    for resource in ours:
        person = match_person(resource, people)
        if resource.get("active") in INACTIVE:
            report["skipped_inactive"] += 1
        elif person is None:
            report["new"] += 1
        elif person.alias in seen:
            report["duplicates"] += 1
        else:
            report["matched"] += 1
            call.directory.scim_ids[person.alias] = str(resource.get("id", ""))
        if person is not None:
            seen.add(person.alias)
    unmatched = len(held - seen)
    return {**report, "unmatched": unmatched, "start_indexes": starts, "pages": len(starts)}


@strategy("okta-import-users")
def import_users(call: VerbCall) -> Sent:
    """docs/idp/okta.md#import: Import Now. Returns the last page; the report goes to
    facts["import"]."""
    page, listed, starts = page_through(call, "/Users")
    call.directory.facts["import"] = user_report(call, listed, starts)
    return page


@strategy("okta-import-groups")
def import_groups(call: VerbCall) -> Sent:
    """docs/idp/okta.md#import: groups are paged the same way; matched to pushed groups by
    displayName."""
    page, listed, starts = page_through(call, "/Groups")
    names = {name.casefold(): alias for alias, name in call.directory.group_names.items()}
    prefix = call.directory.run_prefix.casefold()
    ours = [r for r in listed if str(r.get("displayName", "")).casefold().startswith(prefix)]
    matched = {names[n] for r in ours if (n := str(r.get("displayName", "")).casefold()) in names}
    call.directory.facts["import_groups"] = {
        "scanned": len(ours),
        "matched": len(matched),
        "new": sum(1 for r in ours if str(r.get("displayName", "")).casefold() not in names),
        "start_indexes": starts,
    }
    return page
