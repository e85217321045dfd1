"""Faults that break a rule of the OpenID IPSIE AL1 SCIM 2.0 Profile (docs/ipsie-profile.md) the
RFCs leave open, one rule each: a filter the profile names refused, a whole-members removal
ignored, a rule of JWT client authentication (RFC 7523 3) skipped or assertions refused (and, in
`oauth.py` with the token endpoint's faults, a token answer whose scope leaves out "scim"). The
profile's other rules are bitten by faults other tables already hold
(`tests/faults/test_ipsie_faults.py` names them).
"""

from __future__ import annotations

import re
from typing import Any

from .exchange import Exchange
from .registry import fault, hook
from .writes import drop_operations

# The two filters of section 3.2.2.7 the profile adds to `userName eq`, as a server that does not
# know them would see them: an `externalId` comparison, and a value filter on `emails`.
_EXTERNAL_ID = re.compile(r"\bexternalId\b", re.IGNORECASE)
_EMAILS_VALUE_PATH = re.compile(r"\bemails\s*\[", re.IGNORECASE)


def _refuse_filter(x: Exchange, unsupported: re.Pattern[str], what: str) -> None:
    text = x.filter_text() or ""
    if x.on("Users", "GET", item=False) and x.ok and unsupported.search(text):
        x.answer_error(400, f"Filtering on {what} is not supported", "invalidFilter")


@fault(
    "ipsie-external-id-filter-refused",
    "A /Users filter on externalId is refused with 400 invalidFilter",
)
def _external_id_filter_refused(x: Exchange) -> None:
    _refuse_filter(x, _EXTERNAL_ID, "externalId")


@fault(
    "ipsie-email-value-filter-refused",
    'A /Users filter emails[value eq "..."] is refused with 400 invalidFilter',
)
def _email_value_filter_refused(x: Exchange) -> None:
    _refuse_filter(x, _EMAILS_VALUE_PATH, "emails")


def _removes_all_members(operation: Any) -> bool:
    # Only the bare path: a `members[value eq "..."]` removal stays, as do Entra's removals that
    # name the members in `value` (`member-removal-value-list-ignored` drops those).
    if not isinstance(operation, dict) or str(operation.get("op", "")).lower() != "remove":
        return False
    return str(operation.get("path") or "").strip().lower() == "members" and not operation.get(
        "value"
    )


@fault(
    "ipsie-remove-all-members-ignored",
    'PATCH remove with the path "members" and no value answers 200, removes no one',
    phase="request",
)
def _remove_all_members_ignored(x: Exchange) -> None:
    drop_operations(x, "Groups", _removes_all_members)


# Section 3.1's JWT client authentication (RFC 7523): a token endpoint that takes an assertion
# without holding it to one rule of RFC 7523 3 (`token_endpoint.py` asks `checks_assertion`).
JWT_SIGNATURE_UNCHECKED = hook(
    "jwt-signature-unchecked",
    "The token endpoint accepts a client assertion whose signature is not the client's key's",
)
JWT_EXPIRY_UNCHECKED = hook(
    "jwt-expiry-unchecked",
    "The token endpoint accepts a client assertion whose exp has passed",
)
JWT_AUDIENCE_UNCHECKED = hook(
    "jwt-audience-unchecked",
    "The token endpoint accepts a client assertion whose aud names another server",
)
JWT_CLIENT_AUTH_UNSUPPORTED = hook(
    "jwt-client-auth-unsupported",
    "The token endpoint refuses every client assertion, as a server of client secrets only would",
)
UNCHECKED_ASSERTION_RULES = {
    JWT_SIGNATURE_UNCHECKED: "signature",
    JWT_EXPIRY_UNCHECKED: "expiry",
    JWT_AUDIENCE_UNCHECKED: "audience",
    JWT_CLIENT_AUTH_UNSUPPORTED: "accepted",
}
