"""Okta's "SCIM 2.0 Entitlements Test" (docs/idp/okta.md#entitlements-test): one request,
`GET {{EntitlementEndpoint}}?count=1&startIndex=1`, that the tester duplicates for each entitlement
endpoint of the app.

The endpoints are found as Okta's entitlement discovery finds them: `GET /ResourceTypes` first,
then every resource type beyond the RFC's User and Group (by its `schema`, so a renamed one is
still known) names its `endpoint`. `/Schemas` is not read: the test pages endpoints, it never
reads their attributes. With no such resource type there is nothing to page, and the verb says so.
"""

from __future__ import annotations

from typing import Any

from ..options import table
from ..strategies import GROUP_SCHEMA, USER_SCHEMA, VerbCall, strategy
from ..wire import Sent, Several, body_of, status_of
from .okta_import import field

# The test's own paging: Okta asserts `itemsPerPage` is 1 (#entitlements-test).
ONE_ENTRY = {"count": "1", "startIndex": "1"}
CORE = frozenset(urn.lower() for urn in (USER_SCHEMA, GROUP_SCHEMA))


def entitlement_endpoints(listed: Any) -> list[str]:
    """The `endpoint` of every resource type a `/ResourceTypes` answer lists beyond User and
    Group, in its order, each once; an entry without a usable endpoint names nothing to page."""
    resources = field(listed, "Resources") if isinstance(listed, dict) else None
    found: list[str] = []
    for entry in resources if isinstance(resources, list) else []:
        if not isinstance(entry, dict) or str(entry.get("schema", "")).lower() in CORE:
            continue
        endpoint = entry.get("endpoint")
        if isinstance(endpoint, str) and endpoint.strip() and endpoint not in found:
            found.append(endpoint)
    return found


@strategy("okta-entitlement-pages", table("spec_headers", {"type": "string"}))
def entitlement_pages(call: VerbCall) -> Sent:
    """Each entitlement endpoint's first entry, with the headers of Okta's Runscope suites."""
    headers = dict(call.profile.options.get("spec_headers") or call.profile.headers)
    types = call.wire.send("GET", "/ResourceTypes", headers=headers)
    endpoints = entitlement_endpoints(body_of(types))
    if not endpoints:
        why = (
            f"GET /ResourceTypes (status {status_of(types)}) lists no resource type beyond User "
            "and Group: the server has no entitlement endpoint to page"
        )
        return Several((), why)
    pages = (call.wire.send("GET", e, headers=headers, params=ONE_ENTRY) for e in endpoints)
    return Several(tuple(pages))
